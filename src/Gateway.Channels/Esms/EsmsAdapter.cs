namespace Gateway.Channels.Esms;

/// <summary>
/// eSMS.vn, a Vietnamese SMS aggregator (protocols.md §F): brandname customer-care SMS out through
/// <c>SendMultipleMessage_V4_post_json</c>; short-code MO in, signed with <c>sign</c>; delivery reports in,
/// unsigned, so their URL carries the channel's <see cref="ChannelOptions.CallbackSecret"/>.
/// </summary>
public sealed class EsmsAdapter(TimeProvider? time = null) : IChannelAdapter
{
    public const string ChannelType = "esms";

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Type => ChannelType;

    public InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel) =>
        kind == WebhookKind.Status
            ? EsmsDeliveryReport.Handle(request, channel)
            : EsmsMoWebhook.Handle(request, channel);

    public Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct) =>
        EsmsSender.SendAsync(message, channel, http, _time, ct);
}
