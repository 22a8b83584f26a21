using System.Text.Json;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Residents;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.SqlServer;

/// <summary>
/// A representative set of feature flows, run through the normal test host on whichever database the subclass gives it:
/// <see cref="SqlServerFeatureTests"/> on a fresh SQL Server database (when GATEWAY_TEST_SQLSERVER names a server), and
/// <see cref="SqliteFeatureFlowTests"/> on SQLite, so the flows themselves are known to be right where no SQL Server runs.
/// </summary>
public abstract class FeatureFlows(ITestOutputHelper output)
{
    /// <summary>The settings that choose the database, and what to dispose after the host.</summary>
    protected abstract Task<(IDictionary<string, string?> Settings, IAsyncDisposable? Database)> DatabaseAsync();

    protected async Task RunAsync(Func<GatewayTestHost, Task> flow, IDictionary<string, string?>? more = null)
    {
        var (settings, database) = await DatabaseAsync();
        try
        {
            foreach (var (k, v) in more ?? new Dictionary<string, string?>()) settings[k] = v;
            await using var host = await GatewayTestHost.StartAsync(output, settings: settings);
            output.WriteLine($"database provider: {host.Db.Provider}");
            await flow(host);
        }
        finally
        {
            if (database is not null) await database.DisposeAsync();
        }
    }

    private static readonly Official Creator = new("o-1", "phutho", "Sở", Official.ProvinceRole, null, "25");
    private static readonly Official Approver = new("o-2", "phuthoduyet", "Sở", Official.ProvinceRole, null, "25");

    protected static readonly Dictionary<string, string?> NoticeSettings = new()
    {
        ["Notices:SmsChannel"] = Simulator,
        ["Notices:QuietHours:Start"] = "00:00",
        ["Notices:QuietHours:End"] = "00:00",
    };

    /// <summary>Every migration applied once at start; a second run applies none.</summary>
    protected static async Task MigrationsAsync(GatewayTestHost host)
    {
        Assert.Equal(0, await host.Get<Migrator>().MigrateAsync());
        Assert.Equal((long)Migrator.Scripts(host.Db.Provider).Count, await host.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));
    }

    /// <summary>A webhook's message is stored once: the provider's retry is a duplicate.</summary>
    protected static async Task IngestAsync(GatewayTestHost host)
    {
        var message = host.Message("Cho hỏi thủ tục làm giấy khai sinh?");
        Assert.Equal(StoreOutcome.Stored, await host.StoreAsync(Simulator, message));
        Assert.Equal(StoreOutcome.Duplicate, await host.StoreAsync(Simulator, message));
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE provider_message_id = @pid", new { pid = message.ProviderMessageId }));
        await host.SettledAsync();
    }

    /// <summary>A registered resident's text opens a conversation in their commune; an official's reply goes out once, a repeat of its key queues nothing.</summary>
    protected static async Task RouteAndReplyAsync(GatewayTestHost host)
    {
        await host.AddResidentAsync(ResidentUrn, LienSon);
        var id = await host.ReceiveAsync("Xin hỏi lịch tiêm chủng tháng này?");
        var message = await host.MessageAsync(id);
        Assert.Equal("routed", message.Status);
        var conversation = Assert.Single(await host.ConversationsAsync(ResidentUrn));
        Assert.Equal(LienSon, conversation.CommuneCode);
        Assert.Equal(conversation.Id, message.ConversationId);

        var row = (await host.Get<ConversationStore>().FindAsync(Guid.Parse(conversation.Id)))!;
        var first = Assert.IsType<SendReply.Outcome.Queued>(await host.Get<SendReply>().SendAsync(row, "Mời bạn đến trạm y tế sáng thứ Hai.", "lienson", "key-1"));
        var repeat = Assert.IsType<SendReply.Outcome.Queued>(await host.Get<SendReply>().SendAsync(row, "Mời bạn đến trạm y tế sáng thứ Hai.", "lienson", "key-1"));
        Assert.False(first.Repeat);
        Assert.True(repeat.Repeat);
        Assert.Equal(first.MessageId, repeat.MessageId);
        await host.SettledAsync();
        var reply = await host.MessageAsync(first.MessageId.ToString());
        Assert.Equal("reply", reply.Kind);
        Assert.Contains(reply.Status, new[] { "sent", "delivered" });
    }

    /// <summary>The inbox lists, pages and searches without diacritics and by tracking code.</summary>
    protected static async Task InboxListAndSearchAsync(GatewayTestHost host)
    {
        await host.ReceiveAsync("Sạt lở đất ở thôn Đồng Bến, xin xã hỗ trợ", channelKey: LienSonChannel);
        await host.ReceiveAsync("Hỏi về trợ cấp hộ nghèo", from: "+84912000111", channelKey: LienSonChannel);
        var store = host.Get<ConversationStore>();
        Task<IReadOnlyList<Features.Inbox.ConversationRow>> List(string? tab, string? q, int page = 1, int size = 50) =>
            store.ListAsync(new InboxQuery("25", LienSon, false, tab, q, "lienson", page, size));

        Assert.Equal(2, (await List(null, null)).Count);
        Assert.Single(await List(null, null, page: 2, size: 1));
        Assert.Empty(await List(null, null, page: 3, size: 1));
        var landslide = Assert.Single(await List(null, "sat lo"));
        Assert.Equal(landslide.Id, Assert.Single(await List(null, landslide.TrackingCode)).Id);
        Assert.Single(await List(null, "912000111"));
        Assert.Equal(2, (await List(InboxTabs.Unassigned, null)).Count);
        Assert.Empty(await List(InboxTabs.Mine, null));
        Assert.Equal(2, (await store.ListProvinceAsync("25", "open", 1, 50)).Count);
    }

    /// <summary>A notice to a commune is approved, expanded into one delivery per resident and sent.</summary>
    protected static async Task BroadcastAsync(GatewayTestHost host)
    {
        await host.Get<DbWriter>().WriteAsync(async w =>
        {
            for (var i = 0; i < 3; i++)
            {
                var r = await ResidentStore.GetOrCreateAsync(w.Connection, w.Tx, $"tel:+849130000{i:D2}", w.Now);
                await ResidentStore.SetCommuneAsync(w.Connection, w.Tx, r.Id, LienSon, w.Now);
            }
        });
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo",
            Variables = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = LienSon, ["ngay"] = "2026-12-10", ["khu_vuc"] = "thôn Đồng Bến" }),
            Audience = JsonSerializer.Serialize(new Audience([LienSon], [], [], false), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Status = BroadcastStatus.PendingApproval, CreatedBy = Creator.Username, CreatedAt = host.Time.NowMs(),
        };
        await host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));
        await host.Get<BroadcastActions>().ApproveAsync(Approver, row);
        await host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
        BroadcastRow? b = null;
        await EventuallyAsync(async () => (b = await host.Get<BroadcastStore>().FindAsync(row.Id))!.Status == BroadcastStatus.Completed, "the broadcast to complete");

        var statuses = await host.QueryAsync<string>("SELECT status FROM notice_deliveries WHERE broadcast_id = @Id", new { b!.Id });
        Assert.Equal(3, statuses.Count);
        Assert.All(statuses, s => Assert.Contains(s, new[] { NoticeDeliveryStatus.Sent, NoticeDeliveryStatus.Delivered }));
        var report = await host.Get<BroadcastReport>().BuildAsync(b);
        Assert.Equal(3, report.Lines.Sum(l => l.Recipients));
    }

    /// <summary>Sign-in, a session token found and revoked; a Zalo token seeded once, leased by one renewer at a time.</summary>
    protected static async Task TokensAsync(GatewayTestHost host)
    {
        var officials = host.Get<Officials>();
        await officials.CreateOrUpdateAsync("lienson", "mat-khau-dai-du-12", "Cán bộ Liên Sơn", Official.CommuneRole, LienSon, "25");
        var verified = await officials.VerifyAsync("lienson", "mat-khau-dai-du-12");
        Assert.Equal(Officials.VerifyOutcome.Ok, verified.Outcome);
        Assert.Equal(Officials.VerifyOutcome.WrongPassword, (await officials.VerifyAsync("lienson", "sai")).Outcome);
        var sessions = host.Get<Sessions>();
        var token = await sessions.IssueAsync(verified.Official!, verified.SessionVersion);
        Assert.Equal("lienson", (await sessions.FindAsync(token))?.Username);
        await sessions.RevokeAsync(token);
        Assert.Null(await sessions.FindAsync(token));

        var zalo = host.Get<ZaloTokenStore>();
        var now = host.Time.NowMs();
        await zalo.SeedAsync("app-1", "access-1", "refresh-1", now);
        await zalo.SeedAsync("app-1", "access-2", "refresh-2", now); // a restart seeds nothing over a stored token
        Assert.Equal("access-1", (await zalo.FindAsync("app-1"))!.AccessToken);
        Assert.True(await zalo.TryLeaseAsync("app-1", "me", now + 60_000, now));
        Assert.False(await zalo.TryLeaseAsync("app-1", "other", now + 60_000, now));
        Assert.True(await zalo.StoreRenewedAsync("app-1", "me", "access-3", "refresh-3", now + 90_000_000, now));
        Assert.Equal("access-3", (await zalo.FindAsync("app-1"))!.AccessToken);
    }
}

/// <summary>The feature flows on a fresh SQL Server database; skipped with the reason when GATEWAY_TEST_SQLSERVER is not set.</summary>
public sealed class SqlServerFeatureTests(ITestOutputHelper output) : FeatureFlows(output)
{
    protected override async Task<(IDictionary<string, string?> Settings, IAsyncDisposable? Database)> DatabaseAsync()
    {
        var database = await SqlServerDatabase.CreateAsync();
        return (database.Settings(), database);
    }

    [SqlServerFact] public Task Should_apply_the_migrations_once() => RunAsync(MigrationsAsync);
    [SqlServerFact] public Task Should_store_a_webhook_once() => RunAsync(IngestAsync);
    [SqlServerFact] public Task Should_route_and_send_a_reply_once() => RunAsync(RouteAndReplyAsync);
    [SqlServerFact] public Task Should_list_page_and_search_the_inbox() => RunAsync(InboxListAndSearchAsync);
    [SqlServerFact] public Task Should_expand_and_send_a_broadcast() => RunAsync(BroadcastAsync, NoticeSettings);
    [SqlServerFact] public Task Should_keep_sessions_and_zalo_tokens() => RunAsync(TokensAsync);
}

/// <summary>The same flows on SQLite: where no SQL Server runs, this shows the flows themselves are right.</summary>
public sealed class SqliteFeatureFlowTests(ITestOutputHelper output) : FeatureFlows(output)
{
    protected override Task<(IDictionary<string, string?> Settings, IAsyncDisposable? Database)> DatabaseAsync() =>
        Task.FromResult<(IDictionary<string, string?>, IAsyncDisposable?)>((new Dictionary<string, string?>(), null));

    [Fact] public Task Should_apply_the_migrations_once() => RunAsync(MigrationsAsync);
    [Fact] public Task Should_store_a_webhook_once() => RunAsync(IngestAsync);
    [Fact] public Task Should_route_and_send_a_reply_once() => RunAsync(RouteAndReplyAsync);
    [Fact] public Task Should_list_page_and_search_the_inbox() => RunAsync(InboxListAndSearchAsync);
    [Fact] public Task Should_expand_and_send_a_broadcast() => RunAsync(BroadcastAsync, NoticeSettings);
    [Fact] public Task Should_keep_sessions_and_zalo_tokens() => RunAsync(TokensAsync);
}
