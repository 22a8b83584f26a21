namespace Gateway.Channels.Zalo;

/// <summary>
/// Zalo Official Account: <c>X-ZEvent-Signature</c>-signed JSON webhooks in; OA API v3 consultation messages out.
/// Zalo sends every event to one webhook URL, so the Receive and Status kinds are handled alike.
/// </summary>
public sealed class ZaloAdapter(TimeProvider? time = null) : IChannelAdapter
{
    public const string ChannelType = "zalo";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Type => ChannelType;

    public InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel) =>
        ZaloWebhook.Handle(request, channel, _time);

    public Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct) =>
        ZaloSender.SendAsync(message, channel, http, _time, ct);
}
