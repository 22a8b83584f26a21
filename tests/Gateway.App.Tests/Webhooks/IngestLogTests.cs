using Dapper;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using MassTransit.Testing;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Webhooks;

/// <summary>
/// A 200 means the message is in the write-ahead ingest log; the mover takes it from there into messages and onto the
/// bus, never more than the routing window at once, so a backlog waits on disk rather than in memory.
/// </summary>
public sealed class IngestLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_keep_no_more_than_the_window_on_the_bus_and_the_rest_in_the_log()
    {
        await using var host = await GatewayTestHost.StartAsync(output, settings: new Dictionary<string, string?>
        {
            ["Ingest:RoutingWindow"] = "3",
            ["Ingest:MoveBatch"] = "2",
        });
        var writer = host.Get<InboundWriter>();
        var stored = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            writer.StoreAsync(Simulator, host.Message($"Câu hỏi số {i}", from: $"+849130000{i:D2}"), CancellationToken.None)));

        var most = 0L;
        var sawBacklogInLog = false;
        await EventuallyAsync(async () =>
        {
            var onBus = await host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'");
            most = Math.Max(most, onBus);
            var inLog = await host.IngestLogCountAsync();
            sawBacklogInLog |= inLog > 3;
            return inLog == 0 && onBus == 0;
        }, "the backlog to drain");

        Assert.InRange(most, 0, 3);
        Assert.True(sawBacklogInLog, "the backlog waited in the ingest log");
        // Every one moved and routed (each resident is asked for their commune), none twice.
        Assert.Equal(40, await host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'held'"));
        Assert.Equal(stored.Select(id => id.ToString()).Order(), (await host.QueryAsync<string>("SELECT id FROM messages WHERE direction = 'in'")).Order());
        await host.SettledAsync();
        Assert.Equal(40, await host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out'"));
    }

    [Fact]
    public async Task Should_move_what_a_crash_left_in_the_log_and_never_twice()
    {
        await using var host = await GatewayTestHost.StartAsync(output);
        var moved = Guid.CreateVersion7().ToString();
        var waiting = Guid.CreateVersion7().ToString();
        // As the process left it: one row committed to the log and answered 200, never moved; one moved into messages
        // (and routed) but not yet deleted from the log when it died.
        await host.ExecuteAsync(
            "INSERT INTO messages (id, direction, kind, channel_key, urn, provider_message_id, raw_text, text, status, attempts, created_at, updated_at) " +
            "VALUES (@moved, 'in', 'resident', @channel, @urn, 'PM-moved', 'Đã chuyển', 'Đã chuyển', 'routed', 0, @now, @now)",
            new { moved, channel = Simulator, urn = ResidentUrn, now = host.Time.NowMs() });
        await using (var log = await host.Get<IngestLogDb>().OpenAsync())
            await log.ExecuteAsync(
                "INSERT INTO ingest_log (message_id, channel_key, urn, provider_message_id, raw_text, text, attachments, received_at) VALUES " +
                "(@moved, @channel, @urn, 'PM-moved', 'Đã chuyển', 'Đã chuyển', NULL, @now), (@waiting, @channel, @urn, 'PM-waiting', 'Cho hỏi', 'Cho hỏi', NULL, @now)",
                new { moved, waiting, channel = Simulator, urn = ResidentUrn, now = host.Time.NowMs() });

        await host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(waiting));
        await host.SettledAsync();

        Assert.Equal(0, await host.IngestLogCountAsync());
        Assert.Equal(2, await host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
        Assert.Equal("routed", (await host.MessageAsync(moved)).Status); // not inserted again, not routed again
        Assert.Equal("held", (await host.MessageAsync(waiting)).Status);
        Assert.DoesNotContain(host.Harness.Published.Select<InboundMessageReceived>().ToList(), p => p.Context.Message.MessageId == Guid.Parse(moved));
    }

    [Fact]
    public async Task Should_keep_the_log_in_a_file_of_its_own_beside_the_database()
    {
        await using var host = await GatewayTestHost.StartAsync(output);
        var log = host.Get<IngestLogDb>();

        Assert.True(log.IsSeparateFile);
        Assert.Contains(System.IO.Directory.GetFiles(host.Folder), f => f.EndsWith("-ingest.db", StringComparison.Ordinal));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ingest_log'")); // not in the main file
    }
}
