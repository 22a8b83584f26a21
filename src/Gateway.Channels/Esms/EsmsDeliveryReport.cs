using System.Globalization;

namespace Gateway.Channels.Esms;

/// <summary>
/// eSMS's delivery report: an unsigned GET of our CallbackUrl with <c>SMSID</c>, <c>SendStatus</c>,
/// <c>SendSuccess</c>, <c>SendFailed</c>, … (protocols.md §F). Only the <c>secret</c> we put in that URL says it is eSMS.
/// </summary>
internal static class EsmsDeliveryReport
{
    public const string SecretParameter = "secret";

    private static readonly ProviderResponse Ok = new("text/plain", "OK");

    public static InboundResult Handle(InboundRequest request, ChannelOptions channel)
    {
        if (string.IsNullOrEmpty(channel.CallbackSecret))
            return InboundResult.BadSignature("channel has no CallbackSecret configured; refusing unsigned delivery reports");
        var fields = EsmsParameters.Read(request);
        if (!EsmsParameters.SecretEquals(channel.CallbackSecret, fields.Value(SecretParameter)))
            return InboundResult.BadSignature($"{SecretParameter} is missing or wrong");

        if (fields.Value("SMSID") is not { } smsId) return InboundResult.Malformed("SMSID is missing");
        var sendStatus = fields.Value("SendStatus");
        if (sendStatus == "5" && Count(fields, "SendSuccess") is null)
            return InboundResult.Malformed("SendSuccess is missing or not a number");
        StatusUpdated? update = sendStatus switch
        {
            // Done: SendSuccess / SendFailed say how it went (one recipient per message here).
            "5" when Count(fields, "SendSuccess") > 0 => new(smsId, DeliveryStatus.Delivered, null, null),
            "5" => new(smsId, DeliveryStatus.Failed, "esms:send-failed", "eSMS finished sending and no SMS was delivered (SendSuccess 0)"),
            "4" => new(smsId, DeliveryStatus.Failed, "esms:refused", "eSMS refused the message (SendStatus 4)"),
            "7" => new(smsId, DeliveryStatus.Sent, null, null),
            // Awaiting approval, queued: nothing the gateway acts on, reported for completeness.
            "1" or "2" => new(smsId, DeliveryStatus.Queued, null, null),
            _ => null,
        };
        if (update is null) return InboundResult.Malformed($"SendStatus '{sendStatus}' is missing or unknown");
        return new InboundResult.Accepted([update], Ok);
    }

    private static int? Count(Dictionary<string, string> fields, string name) =>
        int.TryParse(fields.Value(name), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
