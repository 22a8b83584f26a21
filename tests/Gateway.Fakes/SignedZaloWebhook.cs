using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Channels;
using Gateway.Channels.Zalo;

namespace Gateway.Fakes;

/// <summary>A webhook body as Zalo would post it, with its <c>X-ZEvent-Signature</c>.</summary>
/// <param name="MessageId">The event's <c>message.msg_id</c>, when it has one.</param>
public sealed record SignedZaloWebhook(byte[] Body, string Signature, string? MessageId)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public IReadOnlyDictionary<string, string> Headers => new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [ZaloSignature.Header] = Signature,
        ["Content-Type"] = "application/json",
    };

    /// <summary>As the gateway's webhook endpoint would hand it to the adapter.</summary>
    public InboundRequest ToInboundRequest(string publicUrl = "https://gateway.example.vn/webhooks/zalo") =>
        new("POST", publicUrl, Headers, Body, "application/json");
}

/// <summary>Builds signed Zalo OA webhook bodies in the shape of the conformance vectors (zalo-01, -04, -06, -07, -09).</summary>
public static class ZaloWebhooks
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>user_send_text</c>: resident <paramref name="userId"/> wrote <paramref name="text"/> to the OA.</summary>
    public static SignedZaloWebhook UserSendText(string appId, string oaSecretKey, string oaId, string userId, string text,
        string? msgId = null, DateTimeOffset? at = null)
    {
        msgId ??= NewMessageId();
        return Sign(appId, oaSecretKey, at, msgId, (w, ts) =>
        {
            w.WriteString("app_id", appId);
            w.WriteString("user_id_by_app", "4938571620384756192");
            w.WriteString("event_name", "user_send_text");
            w.WriteString("timestamp", ts);
            w.WriteStartObject("sender"); w.WriteString("id", userId); w.WriteEndObject();
            w.WriteStartObject("recipient"); w.WriteString("id", oaId); w.WriteEndObject();
            w.WriteStartObject("message"); w.WriteString("msg_id", msgId); w.WriteString("text", text); w.WriteEndObject();
        });
    }

    /// <summary><c>follow</c> (or <c>unfollow</c>) of the OA by <paramref name="userId"/>.</summary>
    public static SignedZaloWebhook Follow(string appId, string oaSecretKey, string oaId, string userId, bool following = true, DateTimeOffset? at = null) =>
        Sign(appId, oaSecretKey, at, null, (w, ts) =>
        {
            w.WriteString("oa_id", oaId);
            w.WriteStartObject("follower"); w.WriteString("id", userId); w.WriteEndObject();
            w.WriteString("event_name", following ? "follow" : "unfollow");
            w.WriteString("app_id", appId);
            w.WriteString("timestamp", ts);
        });

    /// <summary><c>user_received_message</c>: the OA's message <paramref name="msgId"/> reached the resident's phone.</summary>
    public static SignedZaloWebhook UserReceivedMessage(string appId, string oaSecretKey, string oaId, string userId, string msgId, DateTimeOffset? at = null) =>
        Sign(appId, oaSecretKey, at, msgId, (w, ts) =>
        {
            w.WriteString("app_id", appId);
            w.WriteStartObject("sender"); w.WriteString("id", oaId); w.WriteEndObject();
            w.WriteStartObject("recipient"); w.WriteString("id", userId); w.WriteEndObject();
            w.WriteString("event_name", "user_received_message");
            w.WriteStartObject("message"); w.WriteString("msg_id", msgId); w.WriteEndObject();
            w.WriteString("timestamp", ts);
        });

    /// <summary><c>user_seen_message</c>: the resident read the OA's messages (<c>msg_ids</c> is an array).</summary>
    public static SignedZaloWebhook UserSeenMessage(string appId, string oaSecretKey, string oaId, string userId, IEnumerable<string> msgIds, DateTimeOffset? at = null) =>
        Sign(appId, oaSecretKey, at, null, (w, ts) =>
        {
            w.WriteString("app_id", appId);
            w.WriteStartObject("sender"); w.WriteString("id", oaId); w.WriteEndObject();
            w.WriteStartObject("recipient"); w.WriteString("id", userId); w.WriteEndObject();
            w.WriteString("event_name", "user_seen_message");
            w.WriteStartObject("message");
            w.WriteStartArray("msg_ids");
            foreach (var id in msgIds) w.WriteStringValue(id);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteString("timestamp", ts);
        });

    /// <summary>
    /// The ZNS delivery receipt (vector zalo-09): a <c>user_received_message</c> whose <c>message</c> carries the
    /// send's <c>msg_id</c>, the <c>tracking_id</c> we sent and the <c>delivery_time</c>.
    /// </summary>
    public static SignedZaloWebhook ZnsUserReceivedMessage(string appId, string oaSecretKey, string oaId, string userId, string msgId,
        string trackingId, DateTimeOffset? deliveredAt = null, DateTimeOffset? at = null)
    {
        var delivered = (deliveredAt ?? at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return Sign(appId, oaSecretKey, at, msgId, (w, ts) =>
        {
            w.WriteString("app_id", appId);
            w.WriteStartObject("sender"); w.WriteString("id", oaId); w.WriteEndObject();
            w.WriteStartObject("recipient"); w.WriteString("id", userId); w.WriteEndObject();
            w.WriteString("event_name", "user_received_message");
            w.WriteStartObject("message");
            w.WriteString("delivery_time", delivered);
            w.WriteString("msg_id", msgId);
            w.WriteString("tracking_id", trackingId);
            w.WriteEndObject();
            w.WriteString("timestamp", ts);
        });
    }

    /// <summary>Signs any raw body whose JSON carries <c>app_id</c> and <c>timestamp</c>.</summary>
    public static SignedZaloWebhook Sign(byte[] body, string appId, string timestamp, string oaSecretKey, string? msgId = null) =>
        new(body, ZaloSignature.Compute(appId, body, timestamp, oaSecretKey), msgId);

    /// <summary>A 20-hex-character id like Zalo's <c>msg_id</c>.</summary>
    public static string NewMessageId() => RandomNumberGenerator.GetHexString(20, lowercase: true);

    /// <summary>Posts a signed webhook as Zalo would (JSON body, signature header). Returns the status the receiver answered.</summary>
    internal static async Task<HttpStatusCode> PostAsync(HttpClient http, string webhookUrl, SignedZaloWebhook webhook)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, webhookUrl) { Content = new ByteArrayContent(webhook.Body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TryAddWithoutValidation(ZaloSignature.Header, webhook.Signature);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static SignedZaloWebhook Sign(string appId, string oaSecretKey, DateTimeOffset? at, string? msgId, Action<Utf8JsonWriter, string> write)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            writer.WriteStartObject();
            write(writer, timestamp);
            writer.WriteEndObject();
        }
        return Sign(buffer.ToArray(), appId, timestamp, oaSecretKey, msgId);
    }
}
