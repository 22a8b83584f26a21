using System.Net;
using System.Text;

namespace Gateway.EndToEnd.Tests.Infrastructure;

public sealed record WebhookResult(HttpStatusCode StatusCode, string Body, string? ContentType, string ProviderMessageId);

/// <summary>Posts provider webhooks to the gateway exactly as Twilio and Zalo would: signed over the public URL.</summary>
public static class Webhooks
{
    public static string TwilioReceivePath => $"/webhooks/{Demo.TwilioKey}/receive";
    public static string TwilioStatusPath => $"/webhooks/{Demo.TwilioKey}/status";
    public static string ZaloReceivePath => $"/webhooks/{Demo.ZaloKey}/receive";

    /// <summary>The form Twilio posts for an incoming SMS (protocols.md §A1), Vietnamese sender.</summary>
    public static List<KeyValuePair<string, string>> TwilioInboundForm(string from, string body, string messageSid) =>
    [
        new("ToCountry", "US"), new("ToState", "CA"), new("SmsMessageSid", messageSid), new("NumMedia", "0"),
        new("ToCity", ""), new("FromZip", ""), new("SmsSid", messageSid), new("FromState", ""),
        new("SmsStatus", "received"), new("FromCity", ""), new("Body", body), new("FromCountry", "VN"),
        new("To", Demo.TwilioFrom), new("ToZip", ""), new("NumSegments", "1"), new("ReferralNumMedia", "0"),
        new("MessageSid", messageSid), new("AccountSid", Demo.TwilioAccountSid), new("From", from),
        new("ApiVersion", "2010-04-01"),
    ];

    /// <summary>POST a signed (or deliberately mis-signed) Twilio form to the gateway.</summary>
    public static async Task<HttpResponseMessage> PostTwilioFormAsync(
        HttpClient http, Uri publicBaseUrl, string path, IReadOnlyList<KeyValuePair<string, string>> form,
        string? signatureOverride = null, bool omitSignature = false, CancellationToken ct = default)
    {
        var url = publicBaseUrl.ToString().TrimEnd('/') + path;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (!omitSignature)
            request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signatureOverride ?? Signing.Twilio(Demo.TwilioAuthToken, url, form));
        request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
        return await http.SendAsync(request, ct);
    }

    public static async Task<WebhookResult> TwilioInboundAsync(GatewayProcess gateway, string from, string body, string? messageSid = null)
    {
        messageSid ??= Demo.NewTwilioSid();
        using var response = await PostTwilioFormAsync(gateway.Http, gateway.BaseUrl, TwilioReceivePath, TwilioInboundForm(from, body, messageSid));
        return new WebhookResult(response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Content.Headers.ContentType?.MediaType, messageSid);
    }

    /// <summary>A Twilio status callback (protocols.md §A4) for a message the gateway sent.</summary>
    public static List<KeyValuePair<string, string>> TwilioStatusForm(string messageSid, string status, string to, string? errorCode = null)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("SmsSid", messageSid), new("SmsStatus", status), new("MessageStatus", status), new("To", to),
            new("MessageSid", messageSid), new("AccountSid", Demo.TwilioAccountSid), new("From", Demo.TwilioFrom),
            new("ApiVersion", "2010-04-01"),
        };
        if (status is "delivered" or "undelivered") form.Add(new("RawDlrDoneDate", DateTime.UtcNow.ToString("yyMMddHHmm")));
        if (errorCode is not null) form.Add(new("ErrorCode", errorCode));
        return form;
    }

    public static async Task<HttpStatusCode> TwilioStatusAsync(GatewayProcess gateway, string messageSid, string status, string to)
    {
        using var response = await PostTwilioFormAsync(gateway.Http, gateway.BaseUrl, TwilioStatusPath, TwilioStatusForm(messageSid, status, to));
        return response.StatusCode;
    }

    public static string ZaloTimestamp() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();

    /// <summary>Raw JSON of a user_send_text event (protocols.md §B1, vector zalo-01 shape).</summary>
    public static string ZaloUserSendTextBody(string userId, string text, string msgId, string timestamp) =>
        "{\"app_id\":\"" + Demo.ZaloAppId + "\",\"user_id_by_app\":\"49385" + userId[5..] + "\",\"event_name\":\"user_send_text\"," +
        "\"timestamp\":\"" + timestamp + "\",\"sender\":{\"id\":\"" + userId + "\"},\"recipient\":{\"id\":\"" + Demo.ZaloOaId + "\"}," +
        "\"message\":{\"msg_id\":\"" + msgId + "\",\"text\":" + System.Text.Json.JsonSerializer.Serialize(text, JsonRelaxed) + "}}";

    /// <summary>Raw JSON of a user_received_message event for an OA message (vector zalo-06 shape).</summary>
    public static string ZaloUserReceivedBody(string userId, string msgId, string timestamp) =>
        "{\"app_id\":\"" + Demo.ZaloAppId + "\",\"sender\":{\"id\":\"" + Demo.ZaloOaId + "\"},\"user_id_by_app\":\"49385" + userId[5..] + "\"," +
        "\"recipient\":{\"id\":\"" + userId + "\"},\"event_name\":\"user_received_message\",\"message\":{\"msg_id\":\"" + msgId + "\"}," +
        "\"timestamp\":\"" + timestamp + "\"}";

    private static readonly System.Text.Json.JsonSerializerOptions JsonRelaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<HttpResponseMessage> PostZaloAsync(HttpClient http, string rawBody, string timestamp, string? signatureOverride = null, bool omitSignature = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ZaloReceivePath)
        {
            Content = new StringContent(rawBody, Encoding.UTF8, "application/json"),
        };
        if (!omitSignature)
            request.Headers.TryAddWithoutValidation("X-ZEvent-Signature", signatureOverride ?? Signing.Zalo(Demo.ZaloAppId, rawBody, timestamp, Demo.ZaloOaSecretKey));
        return await http.SendAsync(request);
    }

    public static async Task<WebhookResult> ZaloTextAsync(GatewayProcess gateway, string userId, string text, string? msgId = null)
    {
        msgId ??= Guid.NewGuid().ToString("N")[..20];
        var ts = ZaloTimestamp();
        using var response = await PostZaloAsync(gateway.Http, ZaloUserSendTextBody(userId, text, msgId, ts), ts);
        return new WebhookResult(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, msgId);
    }

    public static async Task<WebhookResult> ZaloReceivedAsync(GatewayProcess gateway, string userId, string msgId)
    {
        var ts = ZaloTimestamp();
        using var response = await PostZaloAsync(gateway.Http, ZaloUserReceivedBody(userId, msgId, ts), ts);
        return new WebhookResult(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, msgId);
    }
}
