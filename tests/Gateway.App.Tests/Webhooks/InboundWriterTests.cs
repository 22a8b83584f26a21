using Gateway.App.Features.Webhooks;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using MassTransit.Testing;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Webhooks;

/// <summary>Persist before answering: a provider retry or a duplicate is stored once and published once.</summary>
public sealed class InboundWriterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_store_a_duplicate_provider_message_once()
    {
        var message = _host.Message("Cho hỏi lịch tiêm chủng", providerMessageId: "SM0123456789abcdef");

        Assert.Equal(StoreOutcome.Stored, await _host.StoreAsync(Simulator, message));
        Assert.Equal(StoreOutcome.Duplicate, await _host.StoreAsync(Simulator, message));

        var id = await _host.ScalarAsync<string>("SELECT id FROM messages WHERE provider_message_id = 'SM0123456789abcdef'");
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id));
        await _host.SettledAsync();

        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'in'"));
        // Waits out the harness's inactivity window, so a second publish would have been seen.
        Assert.Single(_host.Harness.Published.Select<InboundMessageReceived>().ToList());
        Assert.Single(await _host.MessagesAsync(ResidentUrn, "out")); // asked for the commune once
    }

    [Fact]
    public async Task Should_store_a_duplicate_once_when_both_copies_share_one_group_commit()
    {
        var message = _host.Message("Cho hỏi lịch tiêm chủng", providerMessageId: "SM-burst");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.StoreAsync(Simulator, message)));

        Assert.Single(outcomes, o => o == StoreOutcome.Stored);
        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE provider_message_id = 'SM-burst'"));
        await _host.SettledAsync();
        Assert.Single(_host.Harness.Published.Select<InboundMessageReceived>().ToList());
    }

    [Fact]
    public async Task Should_store_the_same_provider_id_on_two_channels_as_two_messages()
    {
        var message = _host.Message("Xin chào", providerMessageId: "shared-id-1");

        Assert.Equal(StoreOutcome.Stored, await _host.StoreAsync(Simulator, message));
        Assert.Equal(StoreOutcome.Stored, await _host.StoreAsync(LienSonChannel, message));

        Assert.Equal(2, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE provider_message_id = 'shared-id-1'"));
    }

    [Fact]
    public async Task Should_store_the_raw_text_beside_the_normalized_text()
    {
        const string decomposed = "Hu\u0309y\u0007 "; // "Hủy" with a combining hook above, a bell character and a space
        var message = _host.Message(decomposed);

        await _host.StoreAsync(Simulator, message);

        var row = (await _host.QueryAsync<(string Raw, string Text)>(
            "SELECT raw_text, text FROM messages WHERE provider_message_id = @pid", new { pid = message.ProviderMessageId })).Single();
        Assert.Equal(decomposed, row.Raw);
        Assert.Equal("Hủy", row.Text);
    }

    [Fact]
    public async Task Should_publish_ids_only_with_a_hashed_resident_key()
    {
        var message = _host.Message("Cho hỏi");
        await _host.StoreAsync(Simulator, message);

        var id = await _host.ScalarAsync<string>("SELECT id FROM messages WHERE provider_message_id = @pid", new { pid = message.ProviderMessageId });
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id));
        var published = _host.Harness.Published.Select<InboundMessageReceived>(x => x.Context.Message.MessageId == Guid.Parse(id)).First();
        Assert.Equal(Simulator, published.Context.Message.ChannelKey);
        Assert.Equal(_host.Get<Gateway.App.Features.Routing.ResidentKeys>().Of(ResidentUrn), published.Context.Message.ResidentKey);
        Assert.DoesNotContain(ResidentPhone, published.Context.Message.ResidentKey);
        // Keyed, not a bare hash: anyone can hash every phone number, nobody without the secret can do this.
        var bareHash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ResidentUrn)), 0, 8).ToLowerInvariant();
        Assert.NotEqual(bareHash, published.Context.Message.ResidentKey);
        Assert.Single(await _host.QueryAsync<string>("SELECT value FROM gateway_secrets WHERE name = 'resident-key'"));
    }
}
