using Gateway.App.Features.Outbound;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Gateway.Fakes;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Outbound;

/// <summary>
/// A reply a crash interrupted (left <c>unknown</c>, <c>interrupted</c>) is settled by asking Twilio's message
/// list: one Twilio has is recorded as sent with Twilio's sid, one it lacks is sent again, once.
/// </summary>
public sealed class InterruptedSendReconcilerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeTwilioServer _twilio = null!;
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioServer.StartAsync();
        _host = await GatewayTestHost.StartAsync(output, _twilio);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    /// <summary>What the start-up settle writes for a send that was in a provider call when the process died.</summary>
    private Task InterruptAsync(string id) => _host.ExecuteAsync(
        "UPDATE messages SET status = 'unknown', error_code = 'interrupted', provider_message_id = NULL, next_attempt_at = NULL WHERE id = @id", new { id });

    [Fact]
    public async Task Asks_Twilio_then_records_what_it_has_and_sends_what_it_lacks_once()
    {
        var atTwilio = await _host.QueueOutboundAsync(Twilio, ResidentUrn, "Hồ sơ của bạn đã được duyệt.");
        await _host.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(atTwilio));
        await _host.SettledAsync();
        var sid = Assert.Single(_twilio.Messages).Sid;
        await InterruptAsync(atTwilio);

        _twilio.FailNext(1, 500);
        var lost = await _host.QueueOutboundAsync(Twilio, ResidentUrn, "Mời bạn đến nhận kết quả vào thứ Hai.");
        await _host.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(lost));
        await _host.SettledAsync();
        await InterruptAsync(lost);
        Assert.Single(_twilio.Messages);

        Assert.Equal(2, await _host.Hosted<InterruptedSendReconciler>().PassAsync(CancellationToken.None));

        var found = await _host.MessageAsync(atTwilio);
        Assert.Equal("sent", found.Status);
        Assert.Equal(sid, found.ProviderMessageId);
        Assert.Equal("retrying", (await _host.MessageAsync(lost)).Status);
        Assert.Contains(_twilio.Requests, r => r.Method == "GET" && r.QueryString.Contains("To=%2B84"));

        await _host.Hosted<OutboundRetrySweeper>().SweepAsync(CancellationToken.None);
        await EventuallyAsync(async () => (await _host.MessageAsync(lost)).Status == "sent", "the lost reply to be sent again");
        Assert.Equal(2, _twilio.Messages.Count);
        Assert.Single(_twilio.Messages, m => m.Body == "Hồ sơ của bạn đã được duyệt.");
        Assert.Single(_twilio.Messages, m => m.Body == "Mời bạn đến nhận kết quả vào thứ Hai.");

        // Settled ones are not asked about again.
        Assert.Equal(0, await _host.Hosted<InterruptedSendReconciler>().PassAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Leaves_a_send_unknown_while_Twilio_cannot_be_asked()
    {
        var id = await _host.QueueOutboundAsync(Twilio, ResidentUrn, "Lịch tiếp công dân tuần này.");
        await _host.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(id));
        await _host.SettledAsync();
        await InterruptAsync(id);
        _twilio.FailNext(1, 503);

        Assert.Equal(0, await _host.Hosted<InterruptedSendReconciler>().PassAsync(CancellationToken.None));
        Assert.Equal("unknown", (await _host.MessageAsync(id)).Status);

        Assert.Equal(1, await _host.Hosted<InterruptedSendReconciler>().PassAsync(CancellationToken.None));
        Assert.Equal("sent", (await _host.MessageAsync(id)).Status);
        Assert.Single(_twilio.Messages);
    }
}
