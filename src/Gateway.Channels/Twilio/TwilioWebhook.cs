using System.Globalization;
using System.Text.Json;
using Gateway.Channels.Text;

namespace Gateway.Channels.Twilio;

/// <summary>Incoming-message and status-callback webhooks: verify first, then parse, then normalize text.</summary>
internal static class TwilioWebhook
{
    public const string IdempotencyHeader = "I-Twilio-Idempotency-Token";

    public static InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel)
    {
        if (string.IsNullOrEmpty(channel.AuthToken))
            return InboundResult.BadSignature("channel has no AuthToken configured; refusing unverifiable webhooks");
        var signature = request.Header(TwilioSignature.Header);
        if (string.IsNullOrEmpty(signature))
            return InboundResult.BadSignature($"missing {TwilioSignature.Header} header");

        var url = request.PublicUrl;
        if (TwilioSignature.BodySha256Of(url) is not null)
        {
            // JSON body (Event Streams style): the URL is signed and carries the body's hash.
            if (!TwilioSignature.IsValidWithBody(channel.AuthToken, url, request.Body.Span, signature))
                return InboundResult.BadSignature($"{TwilioSignature.Header} or bodySHA256 does not match");
            return ParseJsonEvents(request);
        }

        IReadOnlyList<KeyValuePair<string, string>> parameters;
        if (string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            // GET webhooks: the parameters are in the query, which is already part of the signed URL.
            if (!TwilioSignature.IsValid(channel.AuthToken, url, null, signature))
                return InboundResult.BadSignature($"{TwilioSignature.Header} does not match");
            parameters = FormUrlEncoding.ParseQuery(FormUrlEncoding.QueryOf(url));
        }
        else
        {
            if (IsJson(request.ContentType))
                return InboundResult.BadSignature("JSON body without bodySHA256 in the URL cannot be verified");
            parameters = FormUrlEncoding.Parse(request.Body.Span);
            if (!TwilioSignature.IsValid(channel.AuthToken, url, parameters, signature))
                return InboundResult.BadSignature($"{TwilioSignature.Header} does not match");
        }

        // Only now, after the signature held over the exact values received, is anything normalized.
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters) form.TryAdd(name, value);

        return kind == WebhookKind.Status
            ? ParseStatus(form)
            : ParseMessage(form, request.Header(IdempotencyHeader));
    }

    private static InboundResult ParseMessage(Dictionary<string, string> form, string? idempotencyToken)
    {
        if (!form.TryGetValue("MessageSid", out var sid) || sid.Length == 0)
            return InboundResult.Malformed("MessageSid is missing");
        if (!form.TryGetValue("From", out var from) || from.Length == 0)
            return InboundResult.Malformed("From is missing");
        if (!PhoneNumber.TryNormalize(from, out var e164))
            return InboundResult.Malformed("From is not a phone number");

        var body = form.GetValueOrDefault("Body") ?? "";
        var message = new MessageReceived(
            ProviderMessageId: sid,
            From: Urn.Phone(e164),
            To: form.GetValueOrDefault("To"),
            RawText: body,
            Text: VietText.Normalize(body),
            Attachments: Media(form),
            Location: null,
            SentAt: null,
            IdempotencyToken: idempotencyToken);
        return new InboundResult.Accepted([message], ProviderResponse.EmptyTwiml);
    }

    private static List<Attachment> Media(Dictionary<string, string> form)
    {
        // NumMedia says how many; read up to 10 (Twilio's maximum) in case it is missing or wrong.
        var count = int.TryParse(form.GetValueOrDefault("NumMedia"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var media = new List<Attachment>();
        for (var i = 0; i < Math.Max(count, 10); i++)
            if (form.TryGetValue($"MediaUrl{i}", out var url) && url.Length > 0)
                media.Add(new Attachment(url, form.GetValueOrDefault($"MediaContentType{i}")));
        return media;
    }

    private static InboundResult ParseStatus(Dictionary<string, string> form)
    {
        if (!form.TryGetValue("MessageSid", out var sid) || sid.Length == 0)
            return InboundResult.Malformed("MessageSid is missing");
        var twilioStatus = form.GetValueOrDefault("MessageStatus") is { Length: > 0 } ms ? ms : form.GetValueOrDefault("SmsStatus");
        if (string.IsNullOrEmpty(twilioStatus))
            return InboundResult.Malformed("MessageStatus is missing");

        // An unknown status is acknowledged (so Twilio does not retry) but produces nothing.
        if (TwilioStatus.ToDeliveryStatus(twilioStatus) is not { } status)
            return new InboundResult.Accepted([], ProviderResponse.EmptyTwiml);

        var errorCode = form.GetValueOrDefault("ErrorCode") is { Length: > 0 } ec ? ec : null;
        var errorMessage = form.GetValueOrDefault("ErrorMessage") is { Length: > 0 } em ? em : TwilioErrors.Find(errorCode)?.Meaning;
        return new InboundResult.Accepted([new StatusUpdated(sid, status, errorCode, errorMessage)], ProviderResponse.EmptyTwiml);
    }

    /// <summary>
    /// Event Streams webhook sink: an array of CloudEvents. The inbound-message shape is taken from vector
    /// twilio-vi-09; for status events only <c>data.messageSid</c> (and an optional <c>errorCode</c>) is read.
    /// </summary>
    private static InboundResult ParseJsonEvents(InboundRequest request)
    {
        if (!Json.TryParse(request.Body, out var doc, out var notJson)) return notJson;

        using (doc)
        {
            var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : [doc.RootElement];
            var events = new List<ChannelEvent>();
            foreach (var item in items)
            {
                if (item.ValueKind != JsonValueKind.Object) return InboundResult.Malformed("event is not a JSON object");
                var type = Json.String(item, "type");
                if (type is null) return InboundResult.Malformed("type is missing");
                if (!item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                    return InboundResult.Malformed("data is missing");
                var sid = Json.String(data, "messageSid");

                if (type == "com.twilio.messaging.inbound-message.received")
                {
                    if (sid is null) return InboundResult.Malformed("data.messageSid is missing");
                    var from = Json.String(data, "from");
                    if (from is null) return InboundResult.Malformed("data.from is missing");
                    if (!PhoneNumber.TryNormalize(from, out var e164)) return InboundResult.Malformed("data.from is not a phone number");
                    var body = Json.String(data, "body") ?? "";
                    var at = DateTimeOffset.TryParse(Json.String(item, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;
                    events.Add(new MessageReceived(sid, Urn.Phone(e164), Json.String(data, "to"), body, VietText.Normalize(body), [], null, at, Json.String(item, "id")));
                }
                else if (type.StartsWith("com.twilio.messaging.message.", StringComparison.Ordinal)
                         && TwilioStatus.ToDeliveryStatus(type["com.twilio.messaging.message.".Length..]) is { } status)
                {
                    if (sid is null) return InboundResult.Malformed("data.messageSid is missing");
                    var code = Json.String(data, "errorCode");
                    events.Add(new StatusUpdated(sid, status, code, TwilioErrors.Find(code)?.Meaning));
                }
            }
            return new InboundResult.Accepted(events, ProviderResponse.EmptyTwiml);
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.TrimStart().StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
}
