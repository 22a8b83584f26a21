namespace Gateway.Channels.Twilio;

/// <summary>
/// Twilio Programmable Messaging. Inbound: <c>X-Twilio-Signature</c>-signed form (or GET, or JSON with
/// <c>bodySHA256</c>) webhooks; outbound: the Messages REST API. In Vietnam Twilio serves outbound brandname SMS;
/// inbound only arrives through a foreign number (protocols.md §A0).
/// </summary>
public sealed class TwilioAdapter(TimeProvider? time = null) : IChannelAdapter, IReconcilingAdapter
{
    public const string ChannelType = "twilio";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Type => ChannelType;

    public InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel) =>
        TwilioWebhook.Handle(kind, request, channel);

    public Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct) =>
        TwilioSender.SendAsync(message, channel, http, _time, ct);

    public Task<LookupResult> FindSentAsync(OutboundMessage message, DateTimeOffset since, ChannelOptions channel, HttpClient http, CancellationToken ct) =>
        TwilioLookup.FindAsync(message, since, channel, http, ct);
}
