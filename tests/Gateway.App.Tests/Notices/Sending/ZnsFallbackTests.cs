using System.Text.Json;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Gateway.Fakes;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Notices.Sending;

/// <summary>
/// A notice whose template names a ZNS template goes by ZNS to phone numbers, through a fake ZNS server, and falls
/// back to SMS only on a definite failure: −118 (no Zalo account) and the day's quota spent. Each resident gets
/// exactly one message, the report says which channel carried it and why the first did not.
/// </summary>
public sealed class ZnsFallbackTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string ZaloKey = "zalo-oa", ZnsKey = "zns-oa", ZnsTemplate = "231456";
    private static readonly Official Creator = new("1", "phutho", "Sở", Official.ProvinceRole, null, "25");
    private static readonly Official Approver = new("2", "phuthoduyet", "Sở", Official.ProvinceRole, null, "25");
    private FakeZnsServer _zns = null!;
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _zns = await FakeZnsServer.StartAsync();
        _host = await GatewayTestHost.StartAsync(output, settings: new Dictionary<string, string?>
        {
            [$"Channels:{ZaloKey}:Type"] = "zalo",
            [$"Channels:{ZaloKey}:AppId"] = FakeZaloServer.DefaultAppId,
            [$"Channels:{ZaloKey}:OaSecretKey"] = FakeZaloServer.DefaultOaSecretKey,
            [$"Channels:{ZaloKey}:AccessToken"] = _zns.AccessToken,
            [$"Channels:{ZnsKey}:Type"] = "zns",
            [$"Channels:{ZnsKey}:ZaloOa"] = ZaloKey,
            [$"Channels:{ZnsKey}:ApiBaseUrl"] = _zns.Url,
            ["Notices:SmsChannel"] = GatewayTestHost.Simulator,
            ["Notices:QuietHours:Start"] = "00:00",
            ["Notices:QuietHours:End"] = "00:00",
        });
        await _host.ExecuteAsync(
            "UPDATE notice_templates SET zns_template_id = @ZnsTemplate, zns_parameters = @map WHERE template_key = 'canh-bao-sat-lo'",
            new { ZnsTemplate, map = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = "ten_xa", ["ngay"] = "ngay_canh_bao" }) });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _zns.DisposeAsync();
    }

    private async Task<List<string>> AddResidentsAsync(int count)
    {
        var phones = new List<string>();
        await _host.Get<DbWriter>().WriteAsync(async w =>
        {
            for (var i = 0; i < count; i++)
            {
                var phone = $"+8491{Random.Shared.Next(1_000_000, 9_999_999)}"; // 091: Vinaphone (not every 09x prefix is a network)
                var r = await ResidentStore.GetOrCreateAsync(w.Connection, w.Tx, $"tel:{phone}", w.Now);
                await ResidentStore.SetCommuneAsync(w.Connection, w.Tx, r.Id, GatewayTestHost.LienSon, w.Now);
                phones.Add(phone);
            }
        });
        return phones;
    }

    private async Task<BroadcastRow> SendAsync()
    {
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo",
            Variables = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = GatewayTestHost.LienSon, ["ngay"] = "2026-12-10", ["khu_vuc"] = "thôn Đồng Bến" }),
            Audience = JsonSerializer.Serialize(new Audience([GatewayTestHost.LienSon], [], [], false), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Status = BroadcastStatus.PendingApproval, CreatedBy = Creator.Username, CreatedAt = _host.Time.NowMs(),
        };
        await _host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));
        await _host.Get<BroadcastActions>().ApproveAsync(Approver, row);
        await _host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
        BroadcastRow? b = null;
        await GatewayTestHost.EventuallyAsync(async () => (b = await _host.Get<BroadcastStore>().FindAsync(row.Id))!.Status == BroadcastStatus.Completed, "the broadcast to complete");
        return b!;
    }

    private static string Wire(string phone) => phone.TrimStart('+');

    [Fact]
    public async Task Goes_by_ZNS_with_the_templates_parameters_and_falls_back_to_SMS_for_a_phone_without_Zalo()
    {
        var phones = await AddResidentsAsync(3);
        _zns.WithoutZaloAccount(phones[0]);

        var b = await SendAsync();

        var rows = await _host.QueryAsync<(string Urn, string ChannelKey, string Status, string? Fallback)>(
            "SELECT urn, channel_key, status, fallback_reason FROM notice_deliveries WHERE broadcast_id = @Id", new { b.Id });
        Assert.Equal(3, rows.Count);
        Assert.Equal(3, rows.Select(r => r.Urn).Distinct().Count());
        var byZns = rows.Where(r => r.ChannelKey == ZnsKey).ToList();
        Assert.Equal(2, byZns.Count);
        Assert.All(byZns, r => Assert.Null(r.Fallback));
        var bySms = Assert.Single(rows, r => r.ChannelKey == GatewayTestHost.Simulator);
        Assert.Equal(($"tel:{phones[0]}", "zns:-118"), (bySms.Urn, bySms.Fallback));
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { NoticeDeliveryStatus.Sent, NoticeDeliveryStatus.Delivered }));

        // ZNS carried exactly the residents whose rows say so: nobody got a ZNS and an SMS.
        var accepted = _zns.Messages;
        Assert.Equal(byZns.Select(r => r.Urn[4..]).Order(), accepted.Select(m => "+" + m.Phone).Order());
        Assert.All(accepted, m =>
        {
            Assert.Equal(ZnsTemplate, m.TemplateId);
            Assert.Equal("10/12/2026", m.TemplateData["ngay_canh_bao"]);
            Assert.Equal("Xã Liên Sơn", m.TemplateData["ten_xa"]);
            Assert.StartsWith("notice-", m.TrackingId);
        });
        Assert.Null(await _host.Get<ChannelStates>().BlockedAsync(ZnsKey));

        var report = await _host.Get<BroadcastReport>().BuildAsync(b);
        var smsLine = Assert.Single(report.Lines, l => l.Channel == GatewayTestHost.Simulator);
        Assert.Equal(1, smsLine.Recipients);
        Assert.Equal(1, smsLine.FallbackReasons["zns:-118"]);
        Assert.Equal(2, Assert.Single(report.Lines, l => l.Channel == ZnsKey).Sent);
        Assert.Contains("zns:-118=1", BroadcastReport.ToCsv(report));

        // Zalo reports a ZNS delivery on the OA's webhook (user_received_message): it reaches the ZNS delivery row.
        var first = accepted[0];
        Assert.Equal(1, await _host.Get<Features.Webhooks.StatusWriter>().ApplyAsync(ZaloKey,
            new Gateway.Channels.StatusUpdated(first.MsgId, Gateway.Channels.DeliveryStatus.Delivered, null, null), CancellationToken.None));
        Assert.Equal(NoticeDeliveryStatus.Delivered, await _host.ScalarAsync<string>(
            "SELECT status FROM notice_deliveries WHERE broadcast_id = @Id AND provider_message_id = @MsgId", new { b.Id, first.MsgId }));
    }

    [Fact]
    public async Task Stops_ZNS_for_the_day_when_the_quota_is_spent_and_the_rest_go_by_SMS()
    {
        var phones = await AddResidentsAsync(4);
        _zns.DailyQuota = 2;
        _zns.RemainingQuota = 2;

        var b = await SendAsync();

        var rows = await _host.QueryAsync<(string Urn, string ChannelKey, string Status, string? Fallback)>(
            "SELECT urn, channel_key, status, fallback_reason FROM notice_deliveries WHERE broadcast_id = @Id", new { b.Id });
        Assert.Equal(4, rows.Select(r => r.Urn).Distinct().Count());
        Assert.Equal(2, rows.Count(r => r.ChannelKey == ZnsKey));
        var bySms = rows.Where(r => r.ChannelKey == GatewayTestHost.Simulator).ToList();
        Assert.Equal(2, bySms.Count);
        // Spent either as Zalo answered −144, or because the gateway already knew and did not ask.
        Assert.All(bySms, r => Assert.Contains(r.Fallback, new[] { "zns:-144", "parked:quota" }));
        Assert.Equal(2, _zns.Messages.Count);
        Assert.Empty(_zns.Messages.Select(m => "+" + m.Phone).Intersect(bySms.Select(r => r.Urn[4..])));

        // The quota is spent for the day: the channel says so until midnight in Vietnam, and a new notice skips ZNS.
        var state = await _host.Get<ChannelStates>().BlockedAsync(ZnsKey);
        Assert.Equal(ChannelStates.QuotaSpent, state!.Kind);
        Assert.Equal(ChannelStates.NextVietnamMidnight(_host.Time.GetUtcNow()).ToUnixTimeMilliseconds(), state.Until);
        var again = await SendAsync();
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id AND channel_key = @ZnsKey", new { again.Id, ZnsKey }));
        Assert.Equal(2, _zns.Messages.Count);
        Assert.Equal(4, phones.Count);
    }

    [Fact]
    public async Task A_timeout_at_ZNS_is_retried_on_ZNS_never_sent_again_by_SMS()
    {
        var phones = await AddResidentsAsync(1);
        _zns.FailNextHttp(1, 503);

        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo",
            Variables = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = GatewayTestHost.LienSon, ["ngay"] = "2026-12-10", ["khu_vuc"] = "thôn Đồng Bến" }),
            Audience = JsonSerializer.Serialize(new Audience([GatewayTestHost.LienSon], [], [], false), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Status = BroadcastStatus.PendingApproval, CreatedBy = Creator.Username, CreatedAt = _host.Time.NowMs(),
        };
        await _host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));
        await _host.Get<BroadcastActions>().ApproveAsync(Approver, row);
        await _host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
        await GatewayTestHost.EventuallyAsync(async () =>
            await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = @Id AND status = 'retrying'", new { row.Id }) == 1,
            "the 503 to be scheduled for a retry");
        var retrying = Assert.Single(await _host.QueryAsync<(string ChannelKey, string? Fallback)>(
            "SELECT channel_key, fallback_reason FROM notice_deliveries WHERE broadcast_id = @Id", new { row.Id }));
        Assert.Equal(ZnsKey, retrying.ChannelKey);
        Assert.Null(retrying.Fallback);

        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await _host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
        await GatewayTestHost.EventuallyAsync(async () => (await _host.Get<BroadcastStore>().FindAsync(row.Id))!.Status == BroadcastStatus.Completed, "the retry to complete the broadcast");
        var done = Assert.Single(await _host.QueryAsync<(string ChannelKey, string Status)>(
            "SELECT channel_key, status FROM notice_deliveries WHERE broadcast_id = @Id", new { row.Id }));
        Assert.Equal((ZnsKey, NoticeDeliveryStatus.Sent), done);
        Assert.Equal(Wire(phones[0]), Assert.Single(_zns.Messages).Phone);
    }
}
