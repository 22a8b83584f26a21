using System.Text.Json;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Notices.Broadcasts;

/// <summary>
/// The scheduler on a controlled clock: quiet hours hold a notice until morning (an emergency goes at once),
/// a recurring broadcast schedules its next run, opted-out residents are skipped, and nothing goes unapproved.
/// The test host's clock starts Monday 2026-11-23 08:00 in Vietnam (01:00 UTC).
/// </summary>
public sealed class BroadcastSchedulingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    private static readonly Official Creator = new("1", "phutho", "Sở", Official.ProvinceRole, null, "25");
    private static readonly Official Approver = new("2", "phuthoduyet", "Sở", Official.ProvinceRole, null, "25");

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task AddResidentsAsync(int count, string commune, string? language = null, bool optedOut = false, string? tag = null)
    {
        await _host.Get<DbWriter>().WriteAsync(async w =>
        {
            for (var i = 0; i < count; i++)
            {
                var r = await ResidentStore.GetOrCreateAsync(w.Connection, w.Tx, $"tel:+849{Random.Shared.Next(10_000_000, 99_999_999)}", w.Now);
                await ResidentStore.SetCommuneAsync(w.Connection, w.Tx, r.Id, commune, w.Now);
                if (language is not null) await ResidentStore.SetLanguageAsync(w.Connection, w.Tx, r.Id, language, w.Now);
                if (optedOut) await ResidentStore.OptOutAsync(w.Connection, w.Tx, r.Id, w.Now);
                if (tag is not null) await Dapper.SqlMapper.ExecuteAsync(w.Connection, "INSERT INTO resident_tags (resident_id, tag) VALUES (@Id, @tag)", new { r.Id, tag }, w.Tx);
            }
        });
    }

    private async Task<BroadcastRow> CreateApprovedAsync(Audience audience, bool emergency = false, string? recurrence = null, DateTimeOffset? sendAt = null)
    {
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo",
            Variables = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = GatewayTestHost.LienSon, ["ngay"] = "2026-12-10", ["khu_vuc"] = "thôn Đồng Bến" }),
            Audience = JsonSerializer.Serialize(audience, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Emergency = emergency, Recurrence = recurrence, SendAt = sendAt?.ToUnixTimeMilliseconds(),
            Status = BroadcastStatus.PendingApproval, CreatedBy = Creator.Username, CreatedAt = _host.Time.NowMs(),
        };
        await _host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));
        var actions = _host.Get<BroadcastActions>();
        Assert.Equal(403, StatusOf(await actions.ApproveAsync(Creator, row)));
        Assert.Equal(200, StatusOf(await actions.ApproveAsync(Approver, row)));
        return (await Store.FindAsync(row.Id))!;
    }

    private BroadcastStore Store => _host.Get<BroadcastStore>();
    private Task PassAsync() => _host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
    private static int StatusOf(IResult r) => r is IStatusCodeHttpResult s ? s.StatusCode ?? 200 : 200;
    private static Audience Communes(params string[] codes) => new(codes, [], [], false);

    private async Task<BroadcastRow> UntilAsync(string id, string status)
    {
        BroadcastRow? b = null;
        await GatewayTestHost.EventuallyAsync(async () => (b = await Store.FindAsync(id))!.Status == status, $"broadcast {id} {status}");
        return b!;
    }

    private Task<BroadcastCounts> CountsAsync(BroadcastRow b) => Store.CountsAsync(b.Id, b.Run);

    [Fact]
    public async Task Should_send_nothing_before_a_second_officer_approves()
    {
        await AddResidentsAsync(3, GatewayTestHost.LienSon);
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo", Variables = "{}",
            Audience = JsonSerializer.Serialize(Communes(GatewayTestHost.LienSon)), Status = BroadcastStatus.PendingApproval, CreatedBy = "phutho", CreatedAt = _host.Time.NowMs(),
        };
        await _host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));

        await PassAsync();
        _host.Time.Advance(TimeSpan.FromHours(1));
        await PassAsync();

        Assert.Equal(BroadcastStatus.PendingApproval, (await Store.FindAsync(row.Id))!.Status);
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries"));
    }

    [Fact]
    public async Task Should_send_to_every_resident_once_and_skip_those_who_opted_out()
    {
        await AddResidentsAsync(5, GatewayTestHost.LienSon);
        await AddResidentsAsync(2, GatewayTestHost.LienSon, optedOut: true);
        await AddResidentsAsync(4, GatewayTestHost.BanHo); // Lào Cai: never in a Phú Thọ audience
        var b = await CreateApprovedAsync(new Audience([], [], [], WholeProvince: true));

        await PassAsync();
        b = await UntilAsync(b.Id, BroadcastStatus.Completed);

        var counts = await CountsAsync(b);
        Assert.Equal(5, counts.Recipients);
        Assert.Equal(5, counts.Delivered); // the simulator reports delivery at once
        var report = await _host.Get<BroadcastReport>().BuildAsync(b);
        Assert.Equal(2, report.OptedOut);
        Assert.All(report.Lines, l => Assert.Equal(GatewayTestHost.LienSon, l.CommuneCode));
        var sent = await _host.QueryAsync<string>("SELECT urn FROM messages WHERE direction = 'out'");
        Assert.Empty(sent); // notices travel in notice_deliveries, not as conversation messages
        Assert.Equal(5, await _host.ScalarAsync<long>("SELECT COUNT(DISTINCT resident_id) FROM notice_deliveries WHERE broadcast_id = @Id", new { b.Id }));
    }

    [Fact]
    public async Task Should_wait_for_the_morning_outside_quiet_hours_but_send_an_emergency_at_once()
    {
        await AddResidentsAsync(3, GatewayTestHost.LienSon);
        _host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 16, 0, 0, TimeSpan.Zero)); // 23:00 in Vietnam
        var notice = await CreateApprovedAsync(Communes(GatewayTestHost.LienSon));
        var emergency = await CreateApprovedAsync(Communes(GatewayTestHost.LienSon), emergency: true);

        await PassAsync();
        await UntilAsync(emergency.Id, BroadcastStatus.Completed);
        var waiting = await UntilAsync(notice.Id, BroadcastStatus.WaitingQuietHours);

        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), waiting.NextRunAt); // 07:00 in Vietnam
        Assert.Equal(3, (await CountsAsync(waiting)).Queued);

        _host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 23, 23, 59, 0, TimeSpan.Zero));
        await PassAsync();
        Assert.Equal(BroadcastStatus.WaitingQuietHours, (await Store.FindAsync(notice.Id))!.Status);

        _host.Time.SetUtcNow(new DateTimeOffset(2026, 11, 24, 0, 0, 1, TimeSpan.Zero));
        await PassAsync();
        var done = await UntilAsync(notice.Id, BroadcastStatus.Completed);
        Assert.Equal(3, (await CountsAsync(done)).Delivered);
    }

    [Fact]
    public async Task Should_run_a_recurring_broadcast_at_each_occurrence_and_schedule_the_next()
    {
        await AddResidentsAsync(2, GatewayTestHost.LienSon);
        var b = await CreateApprovedAsync(Communes(GatewayTestHost.LienSon), recurrence: "0 8 * * 1"); // Mondays 08:00 in Vietnam
        var nextMonday = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(nextMonday.ToUnixTimeMilliseconds(), b.NextRunAt); // strictly after "now", which is a Monday 08:00

        await PassAsync();
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries"));

        _host.Time.SetUtcNow(nextMonday);
        await PassAsync();
        await GatewayTestHost.EventuallyAsync(async () => (await Store.FindAsync(b.Id))!.Run == 1 && (await Store.FindAsync(b.Id))!.Status == BroadcastStatus.Scheduled, "run 1 done");
        var after = (await Store.FindAsync(b.Id))!;
        Assert.Equal(nextMonday.AddDays(7).ToUnixTimeMilliseconds(), after.NextRunAt);
        Assert.Equal(2, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id AND run = 1", new { b.Id }));
    }

    [Fact]
    public async Task Should_send_only_the_rest_after_a_pause_and_nothing_after_a_cancel()
    {
        await AddResidentsAsync(4, GatewayTestHost.LienSon, tag: "ho-ngheo");
        var b = await CreateApprovedAsync(new Audience([], ["ho-ngheo"], [], false));
        var actions = _host.Get<BroadcastActions>();
        Assert.Equal(200, StatusOf(await actions.PauseAsync(Approver, b)));

        await PassAsync(); // paused before its run started: nothing happens
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries"));
        Assert.Equal(200, StatusOf(await actions.ResumeAsync(Approver, (await Store.FindAsync(b.Id))!)));
        await PassAsync();
        await UntilAsync(b.Id, BroadcastStatus.Completed);

        var c = await CreateApprovedAsync(Communes(GatewayTestHost.LienSon));
        Assert.Equal(200, StatusOf(await actions.CancelAsync(Approver, c)));
        await PassAsync();
        Assert.Equal(BroadcastStatus.Cancelled, (await Store.FindAsync(c.Id))!.Status);
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id", new { c.Id }));
        Assert.Equal(409, StatusOf(await actions.ResumeAsync(Approver, (await Store.FindAsync(c.Id))!)));
    }

    [Fact]
    public async Task Should_write_each_residents_language_and_channel_and_skip_who_no_channel_reaches()
    {
        await AddResidentsAsync(2, GatewayTestHost.LienSon, language: "hnj");       // no approved Hmong text: Vietnamese, counted as a fallback
        await _host.Get<TemplateStore>().PutTranslationAsync("canh-bao-sat-lo", "tyz", "TYZ {xa} {ngay} {khu_vuc}", null, "translator1");
        await _host.Get<TemplateStore>().ApproveAsync("canh-bao-sat-lo", "tyz", "reviewer2");
        await AddResidentsAsync(1, GatewayTestHost.LienSon, language: "tyz");       // an approved Tày text: sent in Tày
        await _host.Get<DbWriter>().WriteAsync(async w =>
        {
            // Zalo only, and no Zalo channel configured here: nobody can reach them.
            var r = await ResidentStore.GetOrCreateAsync(w.Connection, w.Tx, "zalo:8414293847283", w.Now);
            await ResidentStore.SetCommuneAsync(w.Connection, w.Tx, r.Id, GatewayTestHost.LienSon, w.Now);
        });
        var b = await CreateApprovedAsync(Communes(GatewayTestHost.LienSon));

        await PassAsync();
        b = await UntilAsync(b.Id, BroadcastStatus.Completed);

        var rows = await _host.QueryAsync<(string Language, string? Wanted, string? Channel, string Status, string? Reason, long Segments)>(
            "SELECT language, wanted_language, channel_key, status, reason, segments FROM notice_deliveries WHERE broadcast_id = @Id ORDER BY id", new { b.Id });
        var shown = string.Join("; ", rows);
        Assert.True(2 == rows.Count(r => r is { Language: "vi", Wanted: "hnj", Channel: not null, Status: "delivered" } && r.Segments >= 1), shown);
        Assert.True(1 == rows.Count(r => r is { Language: "tyz", Wanted: "tyz", Status: "delivered" }), shown);
        Assert.Single(rows, r => r is { Channel: null, Status: "skipped", Reason: "no_channel" });
        var counts = await CountsAsync(b);
        Assert.Equal((3, 1), (counts.Recipients, counts.Skipped));
    }
}
