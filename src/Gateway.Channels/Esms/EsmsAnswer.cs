using System.Text.Json;

namespace Gateway.Channels.Esms;

/// <summary>
/// eSMS's answer to a send, <c>{"CodeResult":"100","CountRegenerate":0,"SMSID":"…"}</c> or an error with
/// <c>ErrorMessage</c> (protocols.md §F, the docs' <c>bang-ma-loi</c>), mapped to what the gateway does next.
/// </summary>
internal static class EsmsAnswer
{
    /// <summary>The provider id of an accepted send whose answer named no SMSID: our RequestId, which eSMS echoes in reports.</summary>
    public const string RequestIdPrefix = "request:";

    public static SendResult Parse(string body, string requestId, ChannelOptions channel)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Retrying is safe: the same RequestId makes a repeat of an accepted send a refused duplicate (124).
            return new SendResult.Failed(true, "bad-response", "eSMS's answer is not JSON");
        }

        var code = Json.String(root, "CodeResult");
        var smsId = Json.String(root, "SMSID") is { Length: > 0 } id ? id : null;
        var error = Json.String(root, "ErrorMessage");
        // The docs' 99 answer is only {"error":"Invalid request"}, without a CodeResult.
        if (code is null && Json.String(root, "error") is { } invalid) (code, error) = ("99", invalid);
        if (code is null) return new SendResult.Failed(true, "bad-response", "eSMS's answer has no CodeResult");

        return code switch
        {
            "100" => new SendResult.Sent(smsId ?? RequestIdPrefix + requestId, DeliveryStatus.Sent),
            // RequestId already used today: the earlier send stands, so this one counts as sent and is never resent.
            "124" => new SendResult.Sent(smsId ?? RequestIdPrefix + requestId, DeliveryStatus.Sent),
            "146" => new SendResult.Failed(false, "esms:146",
                $"eSMS refused the text: it matches no SMS template registered with the carriers for brandname '{channel.Brandname}'. " +
                "Customer-care SMS must use text registered per brandname; register this notice's text with eSMS first."),
            "101" => new SendResult.Failed(true, "esms:101",
                "eSMS refused the channel's ApiKey/SecretKey (101): check the credentials configured for this channel.",
                Kind: FailureKind.ChannelConfiguration),
            "104" => new SendResult.Failed(true, "esms:104",
                $"eSMS does not know brandname '{channel.Brandname}' or it is not active (104).",
                Kind: FailureKind.ChannelConfiguration),
            _ => new SendResult.Failed(false, $"esms:{code}", error ?? $"eSMS answered CodeResult {code}"),
        };
    }
}
