using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Channels.Text;

namespace Gateway.Channels.Esms;

/// <summary>Customer-care brandname SMS (<c>SmsType 2</c>) through <c>SendMultipleMessage_V4_post_json</c>, one recipient per call.</summary>
internal static class EsmsSender
{
    public const string DefaultApiBaseUrl = "https://rest.esms.vn";
    public const string SendPath = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

    /// <summary>eSMS's documented limit for <c>RequestId</c>.</summary>
    public const int MaxRequestIdLength = 50;

    private static readonly JsonSerializerOptions BodyJson = new()
    {
        // Vietnamese as plain UTF-8, as eSMS's samples send it; the body is JSON, never HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, TimeProvider time, CancellationToken ct)
    {
        if (message.To.Scheme != Urn.Tel)
            return new SendResult.Failed(false, "unsupported-urn", $"eSMS sends to tel: URNs, not {message.To.Scheme}:");
        if (string.IsNullOrEmpty(channel.ApiKey) || string.IsNullOrEmpty(channel.SecretKey) || string.IsNullOrEmpty(channel.Brandname))
            return new SendResult.Failed(true, "config", "channel needs ApiKey, SecretKey and Brandname", Kind: FailureKind.ChannelConfiguration);
        if (!PhoneNumber.TryNormalize(message.To.Path, out var e164) || !e164.StartsWith("+84", StringComparison.Ordinal))
            // Another channel (Twilio) may still reach a foreign number.
            return new SendResult.Failed(false, "unsupported-number", "eSMS sends to Vietnamese numbers only", Kind: FailureKind.Unreachable);
        var requestId = message.ClientReference;
        if (requestId.Length > MaxRequestIdLength)
            return new SendResult.Failed(false, "reference-too-long", $"eSMS takes a RequestId of at most {MaxRequestIdLength} characters, not {requestId.Length}");

        var baseUrl = (channel.ApiBaseUrl ?? DefaultApiBaseUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + SendPath)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(Body(message, channel, e164, requestId), BodyJson))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
            },
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Safe to retry: if the first call got through, the same RequestId is answered 124.
            return new SendResult.Failed(true, "timeout", "eSMS did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new SendResult.Failed(true, "network", Redact(e.Message, channel));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                var retryable = status is 429 or 408 or >= 500;
                return new SendResult.Failed(retryable, $"http-{status}", $"HTTP {status} {response.ReasonPhrase}",
                    retryable ? Channels.RetryAfter.From(response, time) : null);
            }
            var result = EsmsAnswer.Parse(await response.Content.ReadAsStringAsync(ct), requestId, channel);
            return result is SendResult.Failed failed ? failed with { Message = Redact(failed.Message, channel) } : result;
        }
    }

    /// <summary>Every value a string, as eSMS documents them.</summary>
    internal static Dictionary<string, string> Body(OutboundMessage message, ChannelOptions channel, string e164, string requestId)
    {
        // NFC: decomposed accents would cost more and may not match the registered template.
        var content = message.Text.Normalize(NormalizationForm.FormC);
        var body = new Dictionary<string, string>
        {
            ["ApiKey"] = channel.ApiKey!,
            ["SecretKey"] = channel.SecretKey!,
            ["Phone"] = e164[1..],
            ["Content"] = content,
            ["Brandname"] = channel.Brandname!,
            ["SmsType"] = "2",
            ["IsUnicode"] = NeedsUnicode(content) ? "1" : "0",
            ["RequestId"] = requestId,
        };
        if (channel.Sandbox) body["Sandbox"] = "1";
        if (EsmsCallbackUrl.For(message.StatusCallbackUrl, channel.CallbackSecret) is { } callback) body["CallbackUrl"] = callback;
        return body;
    }

    /// <summary>
    /// UCS-2 text, and also Latin letters with marks that GSM-7 happens to hold (à, é, ù…): eSMS's "0" means
    /// không dấu, so "Xin chào" sent as "0" risks losing its accent on the carrier's ASCII path.
    /// </summary>
    internal static bool NeedsUnicode(string text) =>
        SmsEncoding.Analyze(text).Encoding == SmsCharset.Ucs2 || SmsEncoding.Unaccented(text) != text;

    /// <summary>The keys never leave in a message, even if a provider or a proxy echoes them.</summary>
    private static string Redact(string text, ChannelOptions channel)
    {
        foreach (var secret in new[] { channel.ApiKey, channel.SecretKey })
            if (!string.IsNullOrEmpty(secret)) text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
