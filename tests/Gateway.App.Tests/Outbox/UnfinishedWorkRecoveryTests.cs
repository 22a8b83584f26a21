using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Outbox;

/// <summary>
/// The in-memory bus loses what it accepted when the process dies; the rows say what is unfinished, and it is
/// issued again at start (everything) and while running (anything stale).
/// </summary>
public sealed class UnfinishedWorkRecoveryTests(ITestOutputHelper output)
{
    private const string Lost = "0195f5c4-0000-7000-8000-0000000000b1";

    /// <summary>A row whose outbox entry was published (and deleted) but whose bus message never reached a consumer.</summary>
    private static Task InsertInboundAsync(GatewayTestHost host, string id, long at) => host.ExecuteAsync(
        "INSERT INTO messages (id, direction, kind, channel_key, urn, provider_message_id, raw_text, text, status, attempts, created_at, updated_at) " +
        "VALUES (@id, 'in', 'resident', @channel, @urn, @id, 'Cho hỏi về trợ cấp', 'Cho hỏi về trợ cấp', 'received', 0, @at, @at)",
        new { id, channel = Simulator, urn = ResidentUrn, at });

    [Fact]
    public async Task Should_route_an_inbound_message_the_bus_lost_when_the_gateway_starts_again()
    {
        var first = await GatewayTestHost.StartAsync(output);
        await InsertInboundAsync(first, Lost, first.Time.NowMs());
        first.KeepFiles = true;
        await first.DisposeAsync();

        await using var second = await GatewayTestHost.StartAsync(output, folder: first.Folder);

        await second.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(Lost));
        await second.SettledAsync();
        Assert.Equal("held", (await second.MessageAsync(Lost)).Status);
        Assert.Single(await second.MessagesAsync(ResidentUrn, "out"));
    }

    [Fact]
    public async Task Should_send_a_queued_reply_the_bus_lost_when_the_gateway_starts_again()
    {
        var first = await GatewayTestHost.StartAsync(output);
        await first.ExecuteAsync(
            "INSERT INTO messages (id, direction, kind, channel_key, urn, text, status, attempts, created_at, updated_at) " +
            "VALUES (@id, 'out', 'reply', @channel, @urn, 'Trả lời', 'queued', 0, 0, 0)",
            new { id = Lost, channel = Simulator, urn = ResidentUrn });
        first.KeepFiles = true;
        await first.DisposeAsync();

        await using var second = await GatewayTestHost.StartAsync(output, folder: first.Folder);

        await second.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(Lost));
        await second.SettledAsync();
        var message = await second.MessageAsync(Lost);
        Assert.Equal("delivered", message.Status); // the simulator reports delivery at once
        Assert.Equal(1, message.Attempts);
    }

    [Fact]
    public async Task Should_reissue_only_stale_work_while_running()
    {
        await using var host = await GatewayTestHost.StartAsync(output);
        await InsertInboundAsync(host, Lost, host.Time.NowMs());
        var recovery = host.Hosted<UnfinishedWorkRecovery>();
        var staleAfter = new OutboxOptions().StaleAfter;

        Assert.Equal(0, await recovery.RecoverAsync(staleAfter, CancellationToken.None)); // probably still on its way

        host.Time.Advance(staleAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await recovery.RecoverAsync(staleAfter, CancellationToken.None));
        await host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(Lost));
        await host.SettledAsync();

        host.Time.Advance(staleAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(0, await recovery.RecoverAsync(staleAfter, CancellationToken.None)); // handled now: nothing left
        Assert.Single(await host.MessagesAsync(ResidentUrn, "out"));
    }
}
