using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Tests.Infrastructure;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// An Idempotency-Key names one request: repeated with the same text it returns the first message and sends nothing;
/// with another text it is refused (callers answer 422), and nothing is written. (Here with the accounts work of issue 7.)
/// </summary>
public sealed class IdempotencyKeyReuseTests : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(Guid Id, Gateway.App.Infrastructure.Outbox.OutboxEntry? Entry)> EnqueueAsync(Guid conversation, string text, string key)
    {
        await using var c = await _host.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var result = await OutboundQueue.EnqueueAsync(c, tx, _host.Db.Dialect, _host.Time.NowMs(),
            new NewOutbound(GatewayTestHost.LienSonChannel, GatewayTestHost.ResidentUrn, text, "reply", conversation, "lienson", key));
        await tx.CommitAsync();
        return result;
    }

    [Fact]
    public async Task The_same_key_with_another_text_is_refused_and_writes_nothing()
    {
        await _host.ReceiveAsync("Đường bị sạt lở", channelKey: GatewayTestHost.LienSonChannel);
        var conversation = Guid.Parse((await _host.ConversationsAsync(GatewayTestHost.ResidentUrn)).Single().Id);

        var first = await EnqueueAsync(conversation, "Xã đã nhận tin", "key-1");
        Assert.NotNull(first.Entry);
        var repeat = await EnqueueAsync(conversation, "Xã đã nhận tin", "key-1");
        Assert.Equal((first.Id, null), (repeat.Id, repeat.Entry));

        var reused = await Assert.ThrowsAsync<IdempotencyKeyReusedException>(() => EnqueueAsync(conversation, "Một nội dung khác", "key-1"));
        Assert.Equal(first.Id, reused.ExistingMessageId);
        var rows = await _host.QueryAsync<string>("SELECT text FROM messages WHERE idempotency_key = 'key-1'");
        Assert.Equal(["Xã đã nhận tin"], rows);
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE text = 'Một nội dung khác'"));
    }
}
