using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gateway.Channels.Zalo;

/// <summary>Consultation ("tư vấn") text via <c>POST /v3.0/oa/message/cs</c>, the reply path for residents who wrote to the OA.</summary>
internal static class ZaloSender
{
    public const string DefaultApiBaseUrl = "https://openapi.zalo.me";

    /// <summary>Zalo's documented limit for a consultation text.</summary>
    public const int MaxTextLength = 2000;

    private static readonly JsonSerializerOptions BodyJson = new()
    {
        // Plain UTF-8 Vietnamese in the body, as Zalo's own samples send it; the body is JSON, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, TimeProvider time, CancellationToken ct)
    {
        if (message.To.Scheme != Urn.Zalo)
            return new SendResult.Failed(false, "unsupported-urn", $"Zalo OA sends to zalo: URNs, not {message.To.Scheme}:");
        if (string.IsNullOrEmpty(channel.AccessToken))
            return new SendResult.Failed(true, $"{ZaloErrors.TokenCodePrefix}:missing", "channel has no OA access token",
                Kind: FailureKind.TokenRejected);
        var text = message.Text.Normalize(NormalizationForm.FormC);
        if (text.Length > MaxTextLength)
            return new SendResult.Failed(false, "too-long", $"Zalo consultation text is limited to {MaxTextLength} characters");

        var payload = new { recipient = new { user_id = message.To.Path }, message = new { text } };
        var baseUrl = (channel.ApiBaseUrl ?? DefaultApiBaseUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/v3.0/oa/message/cs")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(payload, BodyJson))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
            },
        };
        request.Headers.TryAddWithoutValidation("access_token", channel.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendResult.Failed(true, "timeout", "Zalo did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new SendResult.Failed(true, "network", e.Message);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                // Zalo normally answers 200 with an error envelope; a bare HTTP error is a gateway or proxy failure.
                var retryable = status is 429 or 408 or >= 500;
                return new SendResult.Failed(retryable, $"http-{status}", $"HTTP {status} {response.ReasonPhrase}",
                    retryable ? Channels.RetryAfter.From(response, time) : null);
            }
            return ParseEnvelope(body);
        }
    }

    /// <summary><c>{"error":0,"message":"Success","data":{"message_id":…}}</c>; any other <c>error</c> is a failure.</summary>
    internal static SendResult ParseEnvelope(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var error = Json.Int(root, "error");
            if (error is null) return new SendResult.Failed(false, "bad-response", "Zalo's answer has no error field");
            if (error != 0)
            {
                var info = ZaloErrors.Find(error.Value);
                return new SendResult.Failed(info.Retryable, ZaloErrors.CodeFor(error.Value), Json.String(root, "message") ?? info.Meaning,
                    Kind: info.Reach);
            }
            var id = Json.Object(root, "data") is { } data ? Json.String(data, "message_id") : null;
            // Accepted but unidentifiable: resending could deliver twice, so not retryable.
            return string.IsNullOrEmpty(id)
                ? new SendResult.Failed(false, "bad-response", "Zalo's answer has no data.message_id")
                : new SendResult.Sent(id, DeliveryStatus.Sent);
        }
        catch (JsonException)
        {
            return new SendResult.Failed(false, "bad-response", "Zalo's answer is not JSON");
        }
    }
}
