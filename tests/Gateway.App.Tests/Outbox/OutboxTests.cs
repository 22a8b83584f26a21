using System.Reflection;
using Gateway.App.Features.Routing;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Outbox;

/// <summary>
/// The gateway's own outbox: rows committed with the business row; published after commit; rows a crash or a broker
/// outage left behind are published by the sweeper; nothing is deleted that was not published.
/// </summary>
public sealed class OutboxTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A resident's message and its outbox row committed together, then the process "died" before publishing.</summary>
    private async Task<Guid> StoreWithoutPublishingAsync(string text)
    {
        var id = Guid.CreateVersion7();
        await using var c = await _host.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await Dapper.SqlMapper.ExecuteAsync(c,
            "INSERT INTO messages (id, direction, kind, channel_key, urn, provider_message_id, raw_text, text, status, attempts, created_at, updated_at) " +
            "VALUES (@id, 'in', 'resident', @channel, @urn, @pid, @text, @text, 'received', 0, @now, @now)",
            new { id = id.ToString(), channel = Simulator, urn = ResidentUrn, pid = "crash-" + id, text, now = _host.Time.NowMs() }, tx);
        await OutboxEntry.For(new InboundMessageReceived(id, Simulator, _host.Get<ResidentKeys>().Of(ResidentUrn))).WriteAsync(c, tx, _host.Time.NowMs());
        await tx.CommitAsync();
        return id;
    }

    [Fact]
    public async Task Should_publish_rows_left_unpublished_and_delete_them()
    {
        var id = await StoreWithoutPublishingAsync("Cho hỏi về trợ cấp người cao tuổi");
        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.False(_host.Harness.Published.Select<InboundMessageReceived>().Any()); // nothing left the process

        var swept = await _host.Hosted<OutboxSweeper>().SweepAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(1, swept);
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == id);
        await _host.SettledAsync();
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal("held", (await _host.MessageAsync(id.ToString())).Status); // and it went on through routing
    }

    [Fact]
    public async Task Should_leave_rows_younger_than_MinAge_to_the_fast_path()
    {
        await StoreWithoutPublishingAsync("Cho hỏi");
        var sweeper = _host.Hosted<OutboxSweeper>();

        Assert.Equal(0, await sweeper.SweepAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));

        _host.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await sweeper.SweepAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        // (Routing it may already have queued the prompt's send: count the swept kind only.)
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox WHERE message_type = 'InboundMessageReceived'"));
    }

    [Fact]
    public async Task Should_keep_the_row_when_publishing_fails()
    {
        var id = await StoreWithoutPublishingAsync("Cho hỏi về trợ cấp");
        var brokerDown = new OutboxPublisher(new BrokerDownScopes(), _host.Db, _host.Get<MassTransit.IBusControl>(), NullLogger<OutboxPublisher>.Instance);
        var failingSweeper = new OutboxSweeper(_host.Db, brokerDown, _host.Get<MassTransit.IBusControl>(), Options.Create(new OutboxOptions()), _host.Time, NullLogger<OutboxSweeper>.Instance);

        await Assert.ThrowsAnyAsync<Exception>(() => failingSweeper.SweepAsync(TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal("received", (await _host.MessageAsync(id.ToString())).Status);

        // The broker is back: the next sweep publishes it.
        Assert.Equal(1, await _host.Hosted<OutboxSweeper>().SweepAsync(TimeSpan.Zero, CancellationToken.None));
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == id);
        await _host.SettledAsync();
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal("held", (await _host.MessageAsync(id.ToString())).Status);
    }

    [Fact]
    public async Task Should_publish_every_row_when_more_than_one_batch_is_waiting()
    {
        const int count = 520; // the sweeper reads 500 at a time
        await using (var c = await _host.OpenAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            for (var i = 0; i < count; i++)
                await OutboxEntry.For(new SendOutboundMessage(Guid.CreateVersion7())).WriteAsync(c, tx, _host.Time.NowMs());
            await tx.CommitAsync();
        }

        var swept = await _host.Hosted<OutboxSweeper>().SweepAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(count, swept);
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM outbox"));
        Assert.Equal(count, _host.Harness.Published.Select<SendOutboundMessage>().Take(count).Count());
    }

    [Fact]
    public void Should_refuse_to_read_an_outbox_row_of_an_unknown_type()
    {
        Assert.Throws<InvalidOperationException>(() => OutboxEntry.Read(Guid.NewGuid(), "System.Diagnostics.Process", "{}"));
        var read = OutboxEntry.Read(Guid.NewGuid(), nameof(SendOutboundMessage), """{"MessageId":"0195f5c4-0000-7000-8000-000000000001"}""");
        Assert.Equal(new SendOutboundMessage(Guid.Parse("0195f5c4-0000-7000-8000-000000000001")), read.Message);
    }

    /// <summary>Scopes whose publish endpoint throws, as MassTransit does while the broker is unreachable.</summary>
    private sealed class BrokerDownScopes : IServiceScopeFactory
    {
        public IServiceScope CreateScope()
        {
            var services = new ServiceCollection();
            services.AddSingleton(DispatchProxy.Create<IPublishEndpoint, BrokerDownProxy>());
            return services.BuildServiceProvider().CreateScope();
        }
    }

    public class BrokerDownProxy : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new MassTransitException("Broker unreachable (test)");
    }
}
