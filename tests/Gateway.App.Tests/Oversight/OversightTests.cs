using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Inbox.Status;
using Gateway.App.Features.Oversight;
using Gateway.App.Tests.Infrastructure;
using ConversationRow = Gateway.App.Features.Inbox.ConversationRow;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Oversight;

/// <summary>The province's dashboard per commune and its audit log, on a real SQLite database and a controlled clock.</summary>
public sealed class OversightTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    private static readonly Official PhuTho = new("o-pt", "phutho", "Sở", Official.ProvinceRole, null, "25");
    private static readonly Official LaoCai = new("o-lc", "laocai", "Sở", Official.ProvinceRole, null, "15");

    public async Task InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(output);
        foreach (var (id, user, role, commune, province) in new[] { ("o-pt", "phutho", "province", (string?)null, "25"), ("o-ls", "lienson", "commune", LienSon, "25"), ("o-bh", "banho", "commune", BanHo, "15"), ("o-lc", "laocai", "province", null, "15") })
            await _host.ExecuteAsync("INSERT INTO officials (id, username, password_hash, display_name, role, commune_code, province_code, created_at) VALUES (@id, @user, 'x', @user, @role, @commune, @province, 0)",
                new { id, user, role, commune, province });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<ConversationRow> ConversationAsync(string text, string phone)
    {
        await _host.ReceiveAsync(text, phone, LienSonChannel);
        var id = await _host.ScalarAsync<string>("SELECT conversation_id FROM messages WHERE direction = 'in' AND text = @text", new { text });
        return (await _host.Get<ConversationStore>().FindAsync(Guid.Parse(id)))!;
    }

    [Fact]
    public async Task The_dashboard_counts_received_open_resolved_and_the_median_first_reply_per_commune()
    {
        var a = await ConversationAsync("Hỏi về đất", "+84912000001");
        var b = await ConversationAsync("Hỏi về trợ cấp", "+84912000002");
        var c = await ConversationAsync("Hỏi về tiêm chủng", "+84912000003");
        var reply = _host.Get<SendReply>();
        _host.Time.Advance(TimeSpan.FromMinutes(30));
        await reply.SendAsync(a, "Mời lên xã.", "lienson", null);
        _host.Time.Advance(TimeSpan.FromMinutes(60));
        await reply.SendAsync(b, "Đã ghi nhận.", "lienson", null);
        _host.Time.Advance(TimeSpan.FromMinutes(120));
        await reply.SendAsync(c, "Thứ Bảy tại trạm y tế.", "lienson", null);
        await _host.Get<ChangeStatus>().ChangeAsync(c, ConversationStatus.Resolved, "lienson");

        var data = await _host.Get<Dashboard>().BuildAsync("25", Period.Parse(null, null, _host.Time.GetUtcNow()));

        var lienSon = Assert.Single(data.Communes, x => x.CommuneCode == LienSon);
        Assert.Equal(3, lienSon.Received);
        Assert.Equal(2, lienSon.Open);
        Assert.Equal(1, lienSon.Resolved);
        // First replies after 30, 90 and 210 minutes (each a few ms after the message): the median is 90.
        Assert.InRange(lienSon.MedianFirstResponseMinutes!.Value, 89.9, 90.1);
        Assert.Equal(3, data.Trend.Sum(t => t.Received));
        Assert.Equal(1, data.Trend.Sum(t => t.Resolved));
        var csv = DashboardPages.Csv(data, _host.Get<CommuneDirectory>());
        var line = Assert.Single(csv.Split('\n'), l => l.StartsWith(LienSon + ",", StringComparison.Ordinal));
        Assert.Contains("Liên Sơn", line);
        // Received, open, overdue, resolved, median minutes, share answered within the first-reply deadline (all three:
        // 30, 90 and 210 minutes from Monday 08:00 are inside four working hours).
        Assert.EndsWith(",3,2,0,1,90,1", line);
        Assert.Equal(1.0, lienSon.AnsweredInTimeShare);
        Assert.Empty((await _host.Get<Dashboard>().BuildAsync("15", Period.Parse(null, null, _host.Time.GetUtcNow()))).Communes);
    }

    [Fact]
    public async Task The_audit_log_shows_a_province_its_own_officials_filtered_by_official_action_and_commune()
    {
        var audit = _host.Get<AuditLog>();
        await audit.WriteAsync("lienson", "conversation.reply", "conversation:1", "ok");
        await audit.WriteAsync("lienson", "auth.login", null, "denied");
        await audit.WriteAsync("phutho", "conversation.read", "conversation:1", "ok");
        await audit.WriteAsync("banho", "conversation.reply", "conversation:2", "ok");
        var search = _host.Get<AuditSearch>();
        var period = Period.Parse(null, null, _host.Time.GetUtcNow());

        var all = await search.SearchAsync(PhuTho, null, null, null, period, null);
        Assert.Equal(3, all.Count);
        Assert.DoesNotContain(all, e => e.Actor == "banho");
        Assert.Equal(["banho"], (await search.SearchAsync(LaoCai, null, null, null, period, null)).Select(e => e.Actor));
        Assert.Equal(["auth.login"], (await search.SearchAsync(PhuTho, "lienson", "auth", null, period, null)).Select(e => e.Action));
        Assert.Equal(2, (await search.SearchAsync(PhuTho, null, null, LienSon, period, null)).Count);
        Assert.Empty(await search.SearchAsync(PhuTho, null, null, null, Period.Parse("2020-01-01", "2020-01-31", _host.Time.GetUtcNow()), null));
    }
}
