namespace Gateway.Channels;

/// <summary>
/// A channel type. Adapters never touch the database or the bus: they verify, parse and normalize
/// inbound webhooks into events, and send outbound messages returning a result.
/// </summary>
public interface IChannelAdapter
{
    /// <summary>The <c>Type</c> value in configuration: <c>twilio</c>, <c>zalo</c>, <c>simulator</c>.</summary>
    string Type { get; }

    /// <summary>Verifies the signature first (403 on failure), then parses (400 when malformed).</summary>
    InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel);

    Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct);
}
