using System.Text.Json;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Twilio;

namespace Gateway.Channels.Tests.Twilio;

/// <summary>Turns a twilio_signature_vectors entry into the request the gateway would have received.</summary>
internal static class TwilioVectorRequests
{
    public static ChannelOptions Channel(JsonElement v) => new()
    {
        Key = "twilio",
        Type = TwilioAdapter.ChannelType,
        AuthToken = v.GetProperty("auth_token").GetString(),
    };

    public static WebhookKind Kind(JsonElement v) =>
        ConformanceVectors.Str(v, "event")?.StartsWith("status-callback", StringComparison.Ordinal) == true ? WebhookKind.Status : WebhookKind.Receive;

    public static bool IsJson(JsonElement v) => ConformanceVectors.Str(v, "raw_body") is { } b && (b.StartsWith('{') || b.StartsWith('['));

    public static bool IsGet(JsonElement v) => v.GetProperty("method").GetString() == "GET";

    /// <summary>
    /// The raw body as sent. The SDK suites' vectors (off-*) give only decoded params; those are form-encoded
    /// here, which is faithful because the signature covers decoded values, not their encoding.
    /// </summary>
    public static byte[] Body(JsonElement v)
    {
        if (IsGet(v)) return [];
        if (ConformanceVectors.Str(v, "raw_body") is { } raw) return ConformanceVectors.Utf8(raw);
        return ConformanceVectors.Utf8(FormUrlEncoding.Encode(ConformanceVectors.Params(v)));
    }

    public static InboundRequest Request(JsonElement v, string? signature = null, string? idempotencyToken = null)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [TwilioSignature.Header] = signature ?? v.GetProperty("x_twilio_signature").GetString()!,
        };
        if (idempotencyToken is not null) headers["I-Twilio-Idempotency-Token"] = idempotencyToken;
        var contentType = IsGet(v) ? null : IsJson(v) ? "application/json" : "application/x-www-form-urlencoded";
        return new InboundRequest(v.GetProperty("method").GetString()!, v.GetProperty("request_url").GetString()!, headers, Body(v), contentType);
    }
}
