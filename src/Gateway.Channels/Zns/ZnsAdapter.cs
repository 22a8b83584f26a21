namespace Gateway.Channels.Zns;

/// <summary>
/// Zalo Notification Service: registered templates to a phone number, sent with the access token of the OA
/// named by <see cref="ChannelOptions.ZaloOa"/> (the gateway fills <see cref="ChannelOptions.AccessToken"/>).
/// Send-only: ZNS delivery receipts arrive on that OA's webhook, the <c>zalo</c> channel.
/// </summary>
public sealed class ZnsAdapter(TimeProvider? time = null) : IChannelAdapter
{
    public const string ChannelType = ChannelTypes.Zns;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Type => ChannelType;

    public InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel) =>
        new InboundResult.Rejected(404,
            $"ZNS has no webhook of its own: its delivery receipts (user_received_message with tracking_id) arrive on the OA's webhook, " +
            $"the zalo channel '{channel.ZaloOa ?? "?"}'");

    public Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct) =>
        ZnsSender.SendAsync(message, channel, http, _time, ct);
}
