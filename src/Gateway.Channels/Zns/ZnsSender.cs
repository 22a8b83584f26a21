using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Channels.Text;
using Gateway.Channels.Zalo;

namespace Gateway.Channels.Zns;

/// <summary>A registered template to a phone number via <c>POST /message/template</c> (protocols.md §B4), with the OA's access token.</summary>
internal static class ZnsSender
{
    public const string DefaultApiBaseUrl = "https://business.openapi.zalo.me";

    private static readonly JsonWriterOptions BodyJson = new()
    {
        // Plain UTF-8 Vietnamese in the body, as Zalo's samples send it; the body is JSON, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, TimeProvider time, CancellationToken ct)
    {
        if (message.To.Scheme != Urn.Tel)
            return new SendResult.Failed(false, "unsupported-urn", $"ZNS sends to tel: URNs, not {message.To.Scheme}:", Kind: FailureKind.Unreachable);
        if (message.Template is not { TemplateId.Length: > 0 } template)
            return new SendResult.Failed(false, $"{ZnsErrors.CodePrefix}:no-template", "ZNS sends only registered templates; the message has none",
                Kind: FailureKind.Unreachable);
        if (ZaloPhone(message.To.Path) is not { } phone)
            return new SendResult.Failed(false, "bad-phone", "ZNS reaches Vietnamese phone numbers only", Kind: FailureKind.Unreachable);
        if (string.IsNullOrEmpty(channel.AccessToken))
            return new SendResult.Failed(true, $"{ZaloErrors.TokenCodePrefix}:missing", "channel has no OA access token",
                Kind: FailureKind.TokenRejected);

        var baseUrl = (channel.ApiBaseUrl ?? DefaultApiBaseUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/message/template")
        {
            Content = new ByteArrayContent(Body(phone, template, message.ClientReference, channel.Development))
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
            // Retrying is safe-ish: the same tracking_id goes again, so the receipt still correlates.
            return new SendResult.Failed(true, "timeout", "ZNS did not answer in time");
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
                // ZNS answers 200 with an error envelope; a bare HTTP error is a gateway or proxy failure.
                var retryable = status is 429 or 408 or >= 500;
                return new SendResult.Failed(retryable, $"http-{status}", $"HTTP {status} {response.ReasonPhrase}",
                    retryable ? Channels.RetryAfter.From(response, time) : null);
            }
            return ParseEnvelope(body);
        }
    }

    /// <summary><c>tel:+84912345678</c> (or any form <see cref="PhoneNumber"/> reads) → <c>84912345678</c>, ZNS's recommended form (§C-15).</summary>
    internal static string? ZaloPhone(string path) =>
        PhoneNumber.TryNormalize(path, out var e164) && e164.StartsWith("+84", StringComparison.Ordinal) ? e164[1..] : null;

    /// <summary><c>{"phone","template_id","template_data":{…strings},"tracking_id"[,"mode":"development"]}</c>, in the sample's order.</summary>
    private static byte[] Body(string phone, OutboundTemplate template, string trackingId, bool development)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, BodyJson))
        {
            w.WriteStartObject();
            w.WriteString("phone", phone);
            w.WriteString("template_id", template.TemplateId);
            w.WriteStartObject("template_data");
            foreach (var (name, value) in template.Data) w.WriteString(name, value.Normalize(NormalizationForm.FormC));
            w.WriteEndObject();
            w.WriteString("tracking_id", trackingId);
            if (development) w.WriteString("mode", "development");
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary><c>{"error":0,"data":{"msg_id","sent_time","quota":{"dailyQuota","remainingQuota"}}}</c>, numbers as strings.</summary>
    internal static SendResult ParseEnvelope(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var error = Json.Int(root, "error");
            if (error is null) return new SendResult.Failed(false, "bad-response", "ZNS's answer has no error field");
            if (error != 0)
            {
                var info = ZnsErrors.Find(error.Value);
                return new SendResult.Failed(info.Retryable, ZnsErrors.CodeFor(error.Value), Json.String(root, "message") ?? info.Meaning,
                    Kind: info.Kind);
            }
            var data = Json.Object(root, "data");
            var id = data is { } d ? Json.String(d, "msg_id") : null;
            // Accepted but unidentifiable: resending could deliver twice, so not retryable.
            if (string.IsNullOrEmpty(id)) return new SendResult.Failed(false, "bad-response", "ZNS's answer has no data.msg_id");
            var remaining = data is { } dd && Json.Object(dd, "quota") is { } quota ? Json.Int(quota, "remainingQuota") : null;
            return new SendResult.Sent(id, DeliveryStatus.Sent, remaining);
        }
        catch (JsonException)
        {
            return new SendResult.Failed(false, "bad-response", "ZNS's answer is not JSON");
        }
    }
}
