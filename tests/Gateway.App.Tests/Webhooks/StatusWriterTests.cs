using Gateway.App.Features.Webhooks;
using Gateway.App.Tests.Infrastructure;
using Gateway.Channels;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Webhooks;

/// <summary>Delivery reports arrive out of order: a message's status only moves forward.</summary>
public sealed class StatusWriterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> SentMessageAsync(string status, string providerId, string channel = Simulator)
    {
        var id = Guid.CreateVersion7().ToString();
        await _host.ExecuteAsync(
            "INSERT INTO messages (id, direction, kind, channel_key, urn, provider_message_id, text, status, attempts, created_at, updated_at) " +
            "VALUES (@id, 'out', 'reply', @channel, @urn, @providerId, 'Trả lời', @status, 1, 0, 0)",
            new { id, channel, urn = ResidentUrn, providerId, status });
        return id;
    }

    private Task<int> ReportAsync(string providerId, DeliveryStatus status, string? errorCode = null, string channel = Simulator) =>
        _host.Get<StatusWriter>().ApplyAsync(channel, new StatusUpdated(providerId, status, errorCode, errorCode is null ? null : "report"), CancellationToken.None);

    [Theory]
    [InlineData("queued", DeliveryStatus.Sent, "sent")]
    [InlineData("sending", DeliveryStatus.Sent, "sent")]
    [InlineData("sent", DeliveryStatus.Delivered, "delivered")]
    [InlineData("sent", DeliveryStatus.Failed, "failed")]
    [InlineData("delivered", DeliveryStatus.Read, "read")]
    [InlineData("failed", DeliveryStatus.Delivered, "delivered")] // a carrier's late success outranks an earlier failure report
    [InlineData("delivered", DeliveryStatus.Sent, "delivered")]   // a late "sent" never undoes "delivered"
    [InlineData("delivered", DeliveryStatus.Failed, "delivered")]
    [InlineData("delivered", DeliveryStatus.Queued, "delivered")]
    [InlineData("read", DeliveryStatus.Delivered, "read")]
    [InlineData("read", DeliveryStatus.Sent, "read")]
    [InlineData("failed", DeliveryStatus.Sent, "failed")]
    [InlineData("sent", DeliveryStatus.Queued, "sent")]
    [InlineData("sent", DeliveryStatus.Sending, "sent")]
    public async Task Should_only_move_a_status_forward(string current, DeliveryStatus reported, string expected)
    {
        var id = await SentMessageAsync(current, "SM-1");

        var changed = await ReportAsync("SM-1", reported);

        Assert.Equal(expected, (await _host.MessageAsync(id)).Status);
        Assert.Equal(expected == current ? 0 : 1, changed);
    }

    [Fact]
    public async Task Should_not_undo_delivered_with_a_late_sent()
    {
        var id = await SentMessageAsync("sent", "SM-late");

        await ReportAsync("SM-late", DeliveryStatus.Delivered);
        await ReportAsync("SM-late", DeliveryStatus.Sent);

        Assert.Equal("delivered", (await _host.MessageAsync(id)).Status);
    }

    [Fact]
    public async Task Should_record_the_providers_error_code_on_failure()
    {
        var id = await SentMessageAsync("sent", "SM-2");

        await ReportAsync("SM-2", DeliveryStatus.Failed, "30003");

        var message = await _host.MessageAsync(id);
        Assert.Equal("failed", message.Status);
        Assert.Equal("30003", message.ErrorCode);
    }

    [Fact]
    public async Task Should_only_touch_the_message_of_the_reporting_channel()
    {
        var mine = await SentMessageAsync("sent", "SAME-ID", Simulator);
        var other = await SentMessageAsync("sent", "SAME-ID", LienSonChannel);

        await ReportAsync("SAME-ID", DeliveryStatus.Delivered, channel: Simulator);

        Assert.Equal("delivered", (await _host.MessageAsync(mine)).Status);
        Assert.Equal("sent", (await _host.MessageAsync(other)).Status);
    }

    [Fact]
    public async Task Should_record_a_zalo_unfollow_on_the_resident()
    {
        await _host.AddResidentAsync("zalo:8414293847283", communeCode: null);

        await _host.Get<StatusWriter>().ApplyAsync(new FollowChanged(Urn.ZaloUser("8414293847283"), false, null), CancellationToken.None);

        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT following FROM resident_addresses WHERE urn = 'zalo:8414293847283'"));
    }
}
