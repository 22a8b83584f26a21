using System.Globalization;
using System.Text.Json;
using Gateway.Channels.Text;

namespace Gateway.Channels.Zalo;

/// <summary>Zalo OA webhook events (protocols.md §B1): verify the MAC over the raw body, then map the event.</summary>
internal static class ZaloWebhook
{
    public static readonly TimeSpan DefaultEventWindow = TimeSpan.FromMinutes(10);

    public static InboundResult Handle(InboundRequest request, ChannelOptions channel, TimeProvider time)
    {
        if (string.IsNullOrEmpty(channel.OaSecretKey))
            return InboundResult.BadSignature("channel has no OaSecretKey configured; refusing unverifiable webhooks");
        var signature = request.Header(ZaloSignature.Header);
        if (string.IsNullOrEmpty(signature))
            return InboundResult.BadSignature($"missing {ZaloSignature.Header} header");

        if (!Json.TryParse(request.Body, out var doc, out var notJson)) return notJson;

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return InboundResult.Malformed("body is not a JSON object");

            // app_id and timestamp are part of the MAC, so they are read (not trusted) before verifying.
            var appId = Json.String(root, "app_id");
            if (appId is null) return InboundResult.Malformed("app_id is missing");
            var timestamp = Json.String(root, "timestamp");
            if (timestamp is null) return InboundResult.Malformed("timestamp is missing");
            if (!ZaloSignature.IsValid(appId, request.Body.Span, timestamp, channel.OaSecretKey, signature))
                return InboundResult.BadSignature($"{ZaloSignature.Header} does not match");
            if (!string.IsNullOrEmpty(channel.AppId) && appId != channel.AppId)
                return InboundResult.BadSignature("app_id is not this channel's app");

            var eventName = Json.String(root, "event_name");
            if (eventName is null) return InboundResult.Malformed("event_name is missing");
            if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                return InboundResult.Malformed("timestamp is not unix milliseconds");
            DateTimeOffset? at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            // The MAC never expires, so without a window a captured event (an unfollow, say) could be replayed for ever.
            var window = channel.EventWindow ?? DefaultEventWindow;
            var skew = at.Value - time.GetUtcNow();
            if (skew.Duration() > window)
                return InboundResult.Malformed(
                    $"timestamp {ms} is {Math.Abs(skew.TotalMinutes):0} min {(skew < TimeSpan.Zero ? "old" : "ahead")}, outside the ±{window.TotalMinutes:0} min window (Channels:{channel.Key}:EventWindow)");

            return eventName switch
            {
                "user_send_text" => UserMessage(root, at, requireText: true),
                "user_send_location" => UserLocation(root, at),
                _ when MediaEvents.ContainsKey(eventName) => UserMedia(root, at, eventName),
                "follow" => Follow(root, at, following: true),
                "unfollow" => Follow(root, at, following: false),
                "user_received_message" => Receipt(root, DeliveryStatus.Delivered),
                "user_seen_message" => Receipt(root, DeliveryStatus.Read),
                // oa_send_* echo our own (or an admin's) messages; anonymous_*, user_submit_info and events
                // Zalo adds later are acknowledged so Zalo does not retry them for hours.
                _ => Accept(),
            };
        }
    }

    /// <summary>user_send_* events that carry media in <c>message.attachments[].payload.url</c>, with the content type we record.</summary>
    private static readonly Dictionary<string, string> MediaEvents = new(StringComparer.Ordinal)
    {
        ["user_send_image"] = "image/*",
        ["user_send_gif"] = "image/gif",
        ["user_send_sticker"] = "image/*",
        ["user_send_audio"] = "audio/*",
        ["user_send_video"] = "video/*",
        ["user_send_file"] = "application/octet-stream",
        ["user_send_link"] = "text/uri-list",
    };

    private static InboundResult Accept(params ChannelEvent[] events) => new InboundResult.Accepted(events, ProviderResponse.JsonOk);

    private static InboundResult UserMessage(JsonElement root, DateTimeOffset? at, bool requireText,
        IReadOnlyList<Attachment>? attachments = null, GeoLocation? location = null)
    {
        var sender = Json.Object(root, "sender") is { } s ? Json.String(s, "id") : null;
        if (sender is null) return InboundResult.Malformed("sender.id is missing");
        if (Json.Object(root, "message") is not { } message) return InboundResult.Malformed("message is missing");
        var msgId = Json.String(message, "msg_id");
        if (msgId is null) return InboundResult.Malformed("message.msg_id is missing");
        var text = Json.String(message, "text");
        if (text is null && requireText) return InboundResult.Malformed("message.text is missing");
        text ??= ""; // a caption or place name is optional on media and location

        var recipient = Json.Object(root, "recipient") is { } r ? Json.String(r, "id") : null;
        return Accept(new MessageReceived(msgId, Urn.ZaloUser(sender), recipient, text, VietText.Normalize(text),
            attachments ?? [], location, at));
    }

    private static InboundResult UserMedia(JsonElement root, DateTimeOffset? at, string eventName)
    {
        var media = new List<Attachment>();
        foreach (var item in Attachments(root))
            if (Json.Object(item, "payload") is { } payload && Json.String(payload, "url") is { Length: > 0 } url)
                media.Add(new Attachment(url, MediaEvents[eventName]));
        if (media.Count == 0) return InboundResult.Malformed("message.attachments[].payload.url is missing");
        return UserMessage(root, at, requireText: false, attachments: media);
    }

    private static InboundResult UserLocation(JsonElement root, DateTimeOffset? at)
    {
        foreach (var item in Attachments(root))
        {
            if (Json.Object(item, "payload") is not { } payload || Json.Object(payload, "coordinates") is not { } coordinates) continue;
            // Coordinates arrive as strings; parsed with the invariant culture (a comma decimal would be garbage).
            if (!TryCoordinate(Json.String(coordinates, "latitude"), 90, out var lat))
                return InboundResult.Malformed("message.attachments[].payload.coordinates.latitude is missing or invalid");
            if (!TryCoordinate(Json.String(coordinates, "longitude"), 180, out var lon))
                return InboundResult.Malformed("message.attachments[].payload.coordinates.longitude is missing or invalid");
            return UserMessage(root, at, requireText: false, location: new GeoLocation(lat, lon));
        }
        return InboundResult.Malformed("message.attachments[].payload.coordinates is missing");
    }

    private static bool TryCoordinate(string? s, double limit, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && Math.Abs(value) <= limit;

    private static IEnumerable<JsonElement> Attachments(JsonElement root) =>
        Json.Object(root, "message") is { } m && m.TryGetProperty("attachments", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().ToList()
            : [];

    private static InboundResult Follow(JsonElement root, DateTimeOffset? at, bool following)
    {
        var follower = Json.Object(root, "follower") is { } f ? Json.String(f, "id") : null;
        if (follower is null) return InboundResult.Malformed("follower.id is missing");
        return Accept(new FollowChanged(Urn.ZaloUser(follower), following, at));
    }

    /// <summary>
    /// Receipts for messages the OA sent, keyed by msg_id. <c>user_seen_message</c> lists <c>msg_ids</c> (an array);
    /// the ZNS receipt is a <c>user_received_message</c> with a <c>tracking_id</c>, handled the same way.
    /// </summary>
    private static InboundResult Receipt(JsonElement root, DeliveryStatus status)
    {
        if (Json.Object(root, "message") is not { } message) return InboundResult.Malformed("message is missing");
        var ids = new List<string>();
        if (message.TryGetProperty("msg_ids", out var array) && array.ValueKind == JsonValueKind.Array)
            ids.AddRange(array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
        if (Json.String(message, "msg_id") is { } single && !ids.Contains(single)) ids.Add(single);
        if (ids.Count == 0)
            return InboundResult.Malformed(status == DeliveryStatus.Read ? "message.msg_ids is missing" : "message.msg_id is missing");
        return Accept([.. ids.Select(id => new StatusUpdated(id, status, null, null))]);
    }
}
