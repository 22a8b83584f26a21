using System.Text.Json;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Zalo;

namespace Gateway.Channels.Tests.Zalo;

/// <summary>Every zalo_webhook_vectors entry, through the MAC check and through the whole adapter.</summary>
public class ZaloWebhookVectorTests
{
    public static TheoryData<string> Ids => ConformanceVectors.ZaloIds;

    [Fact]
    public void Vector_table_is_all_there() => Assert.Equal(15, ConformanceVectors.Count("zalo_webhook_vectors"));

    private static bool ExpectedValid(JsonElement v) =>
        v.TryGetProperty("expected_valid", out var e) ? e.GetBoolean() : v.GetProperty("expected_valid_when_using_raw_body").GetBoolean();

    private static ChannelOptions Channel(JsonElement v) => new()
    {
        Key = "zalo",
        Type = ZaloAdapter.ChannelType,
        AppId = v.GetProperty("app_id").GetString(),
        OaSecretKey = v.GetProperty("oa_secret_key").GetString(),
    };

    /// <summary>The vectors were recorded in June 2026: each is checked at its own timestamp (the event window applies).</summary>
    private static ZaloAdapter AdapterAt(JsonElement v) => new(FixedClock.AtUnixMs(long.Parse(v.GetProperty("timestamp").GetString()!)));

    private const long VectorTime = 1782027000000;

    private static InboundRequest Request(JsonElement v, string? body = null) => new(
        "POST",
        "https://gateway.example.vn/webhooks/zalo",
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ZaloSignature.Header] = v.GetProperty("x_zevent_signature").GetString()! },
        ConformanceVectors.Utf8(body ?? v.GetProperty("raw_body").GetString()!),
        "application/json");

    [Theory]
    [MemberData(nameof(Ids))]
    public void Mac_check_agrees_with_expected_valid(string id)
    {
        var v = ConformanceVectors.Zalo(id);
        var valid = ZaloSignature.IsValid(
            v.GetProperty("app_id").GetString()!,
            ConformanceVectors.Utf8(v.GetProperty("raw_body").GetString()!),
            v.GetProperty("timestamp").GetString()!,
            v.GetProperty("oa_secret_key").GetString()!,
            v.GetProperty("x_zevent_signature").GetString());
        Assert.Equal(ExpectedValid(v), valid);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Computed_mac_is_the_header_for_valid_vectors(string id)
    {
        var v = ConformanceVectors.Zalo(id);
        var computed = ZaloSignature.Compute(v.GetProperty("app_id").GetString()!, ConformanceVectors.Utf8(v.GetProperty("raw_body").GetString()!),
            v.GetProperty("timestamp").GetString()!, v.GetProperty("oa_secret_key").GetString()!);
        var header = v.GetProperty("x_zevent_signature").GetString()!;
        Assert.StartsWith("mac=", computed);
        if (ExpectedValid(v))
            Assert.Equal(header.StartsWith("mac=") ? header : "mac=" + header.ToLowerInvariant(), computed);
        else
            Assert.NotEqual(header, computed);
        if (ConformanceVectors.Str(v, "mac_of_received_body") is { } received) Assert.Equal("mac=" + received, computed);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Adapter_parses_valid_vectors_and_refuses_invalid_ones_with_403(string id)
    {
        var v = ConformanceVectors.Zalo(id);
        var result = AdapterAt(v).Handle(WebhookKind.Receive, Request(v), Channel(v));
        if (!ExpectedValid(v))
        {
            Assert.Equal(403, Assert.IsType<InboundResult.Rejected>(result).StatusCode);
            return;
        }

        var accepted = Assert.IsType<InboundResult.Accepted>(result);
        Assert.Same(ProviderResponse.JsonOk, accepted.Response);
        AssertEventsMatchBody(v.GetProperty("event_name").GetString()!, v.GetProperty("raw_body").GetString()!, accepted.Events);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Status_webhooks_are_handled_like_receive_webhooks(string id)
    {
        var v = ConformanceVectors.Zalo(id);
        var adapter = AdapterAt(v);
        var receive = adapter.Handle(WebhookKind.Receive, Request(v), Channel(v));
        var status = adapter.Handle(WebhookKind.Status, Request(v), Channel(v));
        Assert.Equal(receive.GetType(), status.GetType());
        if (receive is InboundResult.Accepted a) EventAssert.Equal(a.Events, ((InboundResult.Accepted)status).Events);
    }

    [Fact]
    public void Reserialized_body_is_refused()
    {
        // zalo-12: the header was computed over the compact body; a pretty-printed copy must not verify.
        var v = ConformanceVectors.Zalo("zalo-12");
        Assert.False(v.GetProperty("expected_valid_when_using_wrongly_hashed_body").GetBoolean());
        var result = AdapterAt(v).Handle(WebhookKind.Receive, Request(v, v.GetProperty("wrongly_hashed_body").GetString()), Channel(v));
        Assert.Equal(403, Assert.IsType<InboundResult.Rejected>(result).StatusCode);
    }

    [Fact]
    public void Text_message_fields_are_exact()
    {
        var v = ConformanceVectors.Zalo("zalo-01");
        var accepted = Assert.IsType<InboundResult.Accepted>(AdapterAt(v).Handle(WebhookKind.Receive, Request(v), Channel(v)));
        var message = Assert.IsType<MessageReceived>(Assert.Single(accepted.Events));
        Assert.Equal("e2a641af6661713b2874", message.ProviderMessageId);
        Assert.Equal(Urn.ZaloUser("6284710593827461035"), message.From);
        Assert.Equal("1762394058316472095", message.To);
        Assert.Equal("Xin chào, đường vào bản bị sạt lở", message.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1782027000000), message.SentAt);
    }

    [Fact]
    public void Escaped_body_gives_the_same_text_as_the_raw_utf8_body()
    {
        var adapter = new ZaloAdapter(FixedClock.AtUnixMs(VectorTime)); // every vector is within 72 s of it
        var plain = Assert.IsType<InboundResult.Accepted>(adapter.Handle(WebhookKind.Receive, Request(ConformanceVectors.Zalo("zalo-01")), Channel(ConformanceVectors.Zalo("zalo-01"))));
        var escaped = Assert.IsType<InboundResult.Accepted>(adapter.Handle(WebhookKind.Receive, Request(ConformanceVectors.Zalo("zalo-13")), Channel(ConformanceVectors.Zalo("zalo-13"))));
        EventAssert.Equal(plain.Events, escaped.Events);
    }

    [Fact]
    public void Image_location_follow_and_receipts_carry_their_fields()
    {
        var adapter = new ZaloAdapter(FixedClock.AtUnixMs(VectorTime)); // every vector is within 72 s of it
        IReadOnlyList<ChannelEvent> Events(string id) =>
            Assert.IsType<InboundResult.Accepted>(adapter.Handle(WebhookKind.Receive, Request(ConformanceVectors.Zalo(id)), Channel(ConformanceVectors.Zalo(id)))).Events;

        var image = Assert.IsType<MessageReceived>(Assert.Single(Events("zalo-02")));
        Assert.Equal("https://f21-zpc.zdn.vn/jpg/6284710593827461035/7c1e9d3b.jpg", Assert.Single(image.Attachments).Url);
        Assert.Equal("Ảnh hiện trường sạt lở ở đầu bản", image.Text);

        var place = Assert.IsType<MessageReceived>(Assert.Single(Events("zalo-03")));
        Assert.Equal(new GeoLocation(22.3298, 103.8322), place.Location);
        Assert.Equal("Bản Cát Cát, Sa Pa, Lào Cai", place.Text);

        Assert.Equal(new FollowChanged(Urn.ZaloUser("6284710593827461035"), true, DateTimeOffset.FromUnixTimeMilliseconds(1782027000000)), Assert.Single(Events("zalo-04")));
        Assert.Equal(new FollowChanged(Urn.ZaloUser("6284710593827461035"), false, DateTimeOffset.FromUnixTimeMilliseconds(1782027005000)), Assert.Single(Events("zalo-05")));

        Assert.Equal(new StatusUpdated("9f2b7a4c1e8d6b3a5c0e", DeliveryStatus.Delivered, null, null), Assert.Single(Events("zalo-06")));
        Assert.Equal(
            [new StatusUpdated("9f2b7a4c1e8d6b3a5c0e", DeliveryStatus.Read, null, null), new StatusUpdated("3d5f7b9a1c2e4d6f8a0b", DeliveryStatus.Read, null, null)],
            Events("zalo-07"));
        Assert.Empty(Events("zalo-08")); // our own echo
        Assert.Equal(new StatusUpdated("a1b2c3d4e5f6a7b8c9d0", DeliveryStatus.Delivered, null, null), Assert.Single(Events("zalo-09")));
    }

    /// <summary>What each event must become, read independently from the vector's body.</summary>
    private static void AssertEventsMatchBody(string eventName, string rawBody, IReadOnlyList<ChannelEvent> events)
    {
        using var doc = JsonDocument.Parse(rawBody);
        var root = doc.RootElement;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(root.GetProperty("timestamp").GetString()!));
        switch (eventName)
        {
            case "user_send_text" or "user_send_image" or "user_send_location":
                var m = Assert.IsType<MessageReceived>(Assert.Single(events));
                var message = root.GetProperty("message");
                Assert.Equal(message.GetProperty("msg_id").GetString(), m.ProviderMessageId);
                Assert.Equal(Urn.ZaloUser(root.GetProperty("sender").GetProperty("id").GetString()!), m.From);
                Assert.Equal(root.GetProperty("recipient").GetProperty("id").GetString(), m.To);
                Assert.Equal(message.GetProperty("text").GetString(), m.RawText);
                Assert.Equal(at, m.SentAt);
                if (eventName == "user_send_image") Assert.Single(m.Attachments);
                if (eventName == "user_send_location") Assert.NotNull(m.Location);
                break;
            case "follow" or "unfollow":
                var f = Assert.IsType<FollowChanged>(Assert.Single(events));
                Assert.Equal(Urn.ZaloUser(root.GetProperty("follower").GetProperty("id").GetString()!), f.Resident);
                Assert.Equal(eventName == "follow", f.Following);
                Assert.Equal(at, f.At);
                break;
            case "user_received_message":
                var d = Assert.IsType<StatusUpdated>(Assert.Single(events));
                Assert.Equal(root.GetProperty("message").GetProperty("msg_id").GetString(), d.ProviderMessageId);
                Assert.Equal(DeliveryStatus.Delivered, d.Status);
                break;
            case "user_seen_message":
                var ids = root.GetProperty("message").GetProperty("msg_ids").EnumerateArray().Select(e => e.GetString()).ToList();
                Assert.Equal(ids, events.Cast<StatusUpdated>().Select(e => e.ProviderMessageId));
                Assert.All(events.Cast<StatusUpdated>(), e => Assert.Equal(DeliveryStatus.Read, e.Status));
                break;
            case "oa_send_text":
                Assert.Empty(events);
                break;
            default:
                Assert.Fail($"no expectation for {eventName}");
                break;
        }
    }
}
