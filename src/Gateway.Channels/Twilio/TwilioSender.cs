using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Channels.Twilio;

/// <summary>POST /2010-04-01/Accounts/{AccountSid}/Messages.json over plain HttpClient (no Twilio SDK is served here).</summary>
internal static class TwilioSender
{
    public const string DefaultApiBaseUrl = "https://api.twilio.com";

    public static async Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, TimeProvider time, CancellationToken ct)
    {
        if (message.To.Scheme != Urn.Tel)
            return new SendResult.Failed(false, "unsupported-urn", $"Twilio sends to tel: URNs, not {message.To.Scheme}:");
        if (string.IsNullOrEmpty(channel.AccountSid) || string.IsNullOrEmpty(channel.AuthToken))
            return new SendResult.Failed(false, "config", "channel needs AccountSid and AuthToken");
        if (string.IsNullOrEmpty(channel.From) && string.IsNullOrEmpty(channel.MessagingServiceSid))
            return new SendResult.Failed(false, "config", "channel needs From or MessagingServiceSid");

        var form = new List<KeyValuePair<string, string>> { new("To", message.To.Path) };
        if (!string.IsNullOrEmpty(channel.From)) form.Add(new("From", channel.From));
        if (!string.IsNullOrEmpty(channel.MessagingServiceSid)) form.Add(new("MessagingServiceSid", channel.MessagingServiceSid));
        // NFC: decomposed accents would cost up to a third more segments.
        form.Add(new("Body", message.Text.Normalize(NormalizationForm.FormC)));
        if (!string.IsNullOrEmpty(message.StatusCallbackUrl)) form.Add(new("StatusCallback", message.StatusCallbackUrl));

        var baseUrl = (channel.ApiBaseUrl ?? DefaultApiBaseUrl).TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{baseUrl}/2010-04-01/Accounts/{Uri.EscapeDataString(channel.AccountSid)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{channel.AccountSid}:{channel.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // HttpClient.Timeout: the message may or may not have been created (no idempotency key in this API).
            return new SendResult.Failed(true, "timeout", "Twilio did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new SendResult.Failed(true, "network", e.Message);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return ParseCreated(body);
            return ParseError(response, body, time);
        }
    }

    private static SendResult ParseCreated(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var sid = Json.String(doc.RootElement, "sid");
            if (string.IsNullOrEmpty(sid))
                // Created but unidentifiable: retrying could send twice, so it is not retryable.
                return new SendResult.Failed(false, "bad-response", "Twilio's answer has no sid");
            var status = TwilioStatus.ToDeliveryStatus(Json.String(doc.RootElement, "status")) ?? DeliveryStatus.Queued;
            return new SendResult.Sent(sid, status);
        }
        catch (JsonException)
        {
            return new SendResult.Failed(false, "bad-response", "Twilio's answer is not JSON");
        }
    }

    private static SendResult.Failed ParseError(HttpResponseMessage response, string body, TimeProvider time)
    {
        var status = (int)response.StatusCode;
        int? code = null;
        string? text = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            code = Json.Int(doc.RootElement, "code");
            text = Json.String(doc.RootElement, "message");
        }
        catch (JsonException) { /* a proxy's HTML error page: fall back to the HTTP status */ }

        var retryable = TwilioErrors.IsRetryable(status, code);
        var message = text ?? (code is int c ? TwilioErrors.Find(c)?.Meaning : null) ?? $"HTTP {status} {response.ReasonPhrase}";
        return new SendResult.Failed(retryable, code?.ToString() ?? $"http-{status}", message, retryable ? Channels.RetryAfter.From(response, time) : null);
    }
}
