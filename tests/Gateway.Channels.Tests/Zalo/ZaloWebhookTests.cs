using System.Text;
using Gateway.Channels.Zalo;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zalo;

public class ZaloWebhookTests
{
    private const string AppId = FakeZaloServer.DefaultAppId;
    private const string Secret = FakeZaloServer.DefaultOaSecretKey;
    private const string Ts = "1782027000000";
    private static readonly ChannelOptions Channel = new() { Key = "zalo", Type = "zalo", AppId = AppId, OaSecretKey = Secret };
    private readonly ZaloAdapter _adapter = new(FixedClock.AtUnixMs(long.Parse(Ts)));

    /// <summary>Signs <paramref name="json"/> with the MAC over what is given (app_id/timestamp as the body states them).</summary>
    private InboundResult Signed(string json, string appId = AppId, string timestamp = Ts, ChannelOptions? channel = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var webhook = ZaloWebhooks.Sign(body, appId, timestamp, Secret);
        return _adapter.Handle(WebhookKind.Receive, webhook.ToInboundRequest(), channel ?? Channel);
    }

    private static string Event(string eventName, string rest) =>
        $$"""{"app_id":"{{AppId}}","event_name":"{{eventName}}","timestamp":"{{Ts}}"{{rest}}}""";

    public static TheoryData<string, string> MalformedPayloads => new()
    {
        { Event("user_send_text", ""","recipient":{"id":"1"},"message":{"msg_id":"m1","text":"hi"}"""), "sender.id" },
        { Event("user_send_text", ""","sender":{},"message":{"msg_id":"m1","text":"hi"}"""), "sender.id" },
        { Event("user_send_text", ""","sender":{"id":"6284710593827461035"}"""), "message" },
        { Event("user_send_text", ""","sender":{"id":"6284710593827461035"},"message":{"text":"hi"}"""), "message.msg_id" },
        { Event("user_send_text", ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m1"}"""), "message.text" },
        { Event("user_send_image", ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m1","attachments":[]}"""), "payload.url" },
        { Event("user_send_location", ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m1","attachments":[{"type":"location","payload":{}}]}"""), "coordinates" },
        { Event("user_send_location", ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"22,33","longitude":"103.8"}}}]}"""), "latitude" },
        { Event("user_send_location", ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m1","attachments":[{"type":"location","payload":{"coordinates":{"latitude":"22.3"}}}]}"""), "longitude" },
        { Event("follow", ""","oa_id":"1762394058316472095" """), "follower.id" },
        { Event("unfollow", ""","follower":{}"""), "follower.id" },
        { Event("user_received_message", ""","message":{}"""), "message.msg_id" },
        { Event("user_seen_message", ""","message":{"msg_ids":[]}"""), "message.msg_ids" },
        { Event("user_seen_message", ""), "message" },
        { $$"""{"app_id":"{{AppId}}","timestamp":"{{Ts}}"}""", "event_name" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Malformed_payloads_are_400_naming_the_field(string json, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Signed(json));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Theory]
    [InlineData("not json", "JSON")]
    [InlineData("[1,2]", "object")]
    [InlineData("""{"timestamp":"1782027000000","event_name":"follow"}""", "app_id")]
    [InlineData("""{"app_id":"2863048729163584510","event_name":"follow"}""", "timestamp")]
    public void Bodies_that_cannot_be_verified_are_400_naming_what_is_missing(string json, string field)
    {
        var headers = new Dictionary<string, string> { [ZaloSignature.Header] = "mac=00" };
        var request = new InboundRequest("POST", "https://gw/webhooks/zalo", headers, Encoding.UTF8.GetBytes(json), "application/json");
        var rejected = Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, request, Channel));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Fact]
    public void Missing_signature_is_403_even_for_garbage()
    {
        var request = new InboundRequest("POST", "https://gw/webhooks/zalo", new Dictionary<string, string>(), "not json"u8.ToArray(), "application/json");
        var rejected = Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, request, Channel));
        Assert.Equal(403, rejected.StatusCode);
        Assert.Contains(ZaloSignature.Header, rejected.Error);
    }

    [Theory]
    [InlineData("mac=zz")]
    [InlineData("mac=")]
    [InlineData("sha256=8df1560f9cbc0459ce087c8b74e9d3011f14df5deafeda807e7fd47af50bd3d8")]
    public void Unreadable_signatures_are_403(string header)
    {
        var webhook = ZaloWebhooks.UserSendText(AppId, Secret, "1762394058316472095", "6284710593827461035", "hi");
        var request = webhook.ToInboundRequest() with { Headers = new Dictionary<string, string> { [ZaloSignature.Header] = header } };
        Assert.Equal(403, Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, request, Channel)).StatusCode);
    }

    [Fact]
    public void Another_apps_event_is_refused_even_when_its_mac_holds()
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Signed(Event("follow", ""","follower":{"id":"1"}""").Replace(AppId, "999"), appId: "999"));
        Assert.Equal(403, rejected.StatusCode);
        Assert.Contains("app_id", rejected.Error);
    }

    [Fact]
    public void A_channel_without_an_oa_secret_refuses_everything()
    {
        var webhook = ZaloWebhooks.UserSendText(AppId, Secret, "1", "2", "hi");
        var rejected = Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, webhook.ToInboundRequest(), new ChannelOptions { Type = "zalo" }));
        Assert.Equal(403, rejected.StatusCode);
    }

    [Theory]
    [InlineData("anonymous_send_text")]
    [InlineData("user_submit_info")]
    [InlineData("oa_send_image")]
    [InlineData("some_future_event")]
    public void Unknown_events_are_accepted_without_events(string eventName)
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Signed(Event(eventName, "")));
        Assert.Empty(accepted.Events);
        Assert.Same(ProviderResponse.JsonOk, accepted.Response);
    }

    [Fact]
    public void Decomposed_text_is_normalized_and_the_raw_text_kept()
    {
        var nfd = "Hủy đăng ký".Normalize(NormalizationForm.FormD);
        var webhook = ZaloWebhooks.UserSendText(AppId, Secret, "1762394058316472095", "6284710593827461035", nfd, at: DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Ts)));
        var accepted = Assert.IsType<InboundResult.Accepted>(_adapter.Handle(WebhookKind.Receive, webhook.ToInboundRequest(), Channel));
        var message = Assert.IsType<MessageReceived>(Assert.Single(accepted.Events));
        Assert.Equal(nfd, message.RawText);
        Assert.Equal("Hủy đăng ký", message.Text);
        Assert.True(message.Text.IsNormalized(NormalizationForm.FormC));
        Assert.Equal(webhook.MessageId, message.ProviderMessageId);
    }

    [Fact]
    public void Other_user_media_become_attachments()
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Signed(Event("user_send_file",
            ""","sender":{"id":"6284710593827461035"},"message":{"msg_id":"m9","attachments":[{"type":"file","payload":{"url":"https://f.zdn.vn/don.pdf","name":"don.pdf","size":"1200","type":"pdf"}}]}""")));
        var message = Assert.IsType<MessageReceived>(Assert.Single(accepted.Events));
        Assert.Equal(new Attachment("https://f.zdn.vn/don.pdf", "application/octet-stream"), Assert.Single(message.Attachments));
        Assert.Equal("", message.Text);
    }

    /// <summary>An event's timestamp against the clock (the adapter's clock stands at <see cref="Ts"/>): the window is ±10 minutes.</summary>
    public static TheoryData<long, bool> EventTimes => new()
    {
        { 0, true },
        { -9 * 60_000, true },              // Zalo's retry a few minutes later
        { 9 * 60_000, true },               // the provider's clock a little ahead
        { -10 * 60_000, true },             // on the edge
        { -10 * 60_000 - 1, false },
        { 10 * 60_000 + 1, false },
        { -24 * 3600_000L, false },         // yesterday's event replayed
        { -1782027000000, false },          // timestamp 0
        { 365L * 24 * 3600_000, false },    // a year ahead
    };

    [Theory]
    [MemberData(nameof(EventTimes))]
    public void Events_outside_the_time_window_are_400_and_yield_nothing(long offsetMs, bool accepted)
    {
        var ts = (long.Parse(Ts) + offsetMs).ToString();
        var json = $$$"""{"app_id":"{{{AppId}}}","event_name":"unfollow","timestamp":"{{{ts}}}","follower":{"id":"6284710593827461035"}}""";
        var result = Signed(json, timestamp: ts);
        if (accepted)
        {
            Assert.Single(Assert.IsType<InboundResult.Accepted>(result).Events);
            return;
        }
        var rejected = Assert.IsType<InboundResult.Rejected>(result);
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains("outside the ±10 min window", rejected.Error);
        Assert.Contains("Channels:zalo:EventWindow", rejected.Error);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("1782027000000.5")]
    [InlineData("99999999999999999999")]
    [InlineData("tomorrow")]
    public void A_timestamp_that_is_not_unix_milliseconds_is_400(string ts)
    {
        var json = $$$"""{"app_id":"{{{AppId}}}","event_name":"follow","timestamp":"{{{ts}}}","follower":{"id":"6284710593827461035"}}""";
        var rejected = Assert.IsType<InboundResult.Rejected>(Signed(json, timestamp: ts));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains("timestamp", rejected.Error);
    }

    [Fact]
    public void The_window_is_configurable_per_channel()
    {
        var ts = (long.Parse(Ts) - 3 * 3600_000L).ToString(); // three hours old
        var json = $$$"""{"app_id":"{{{AppId}}}","event_name":"follow","timestamp":"{{{ts}}}","follower":{"id":"6284710593827461035"}}""";
        Assert.IsType<InboundResult.Rejected>(Signed(json, timestamp: ts));
        var wide = new ChannelOptions { Key = "zalo", Type = "zalo", AppId = AppId, OaSecretKey = Secret, EventWindow = TimeSpan.FromHours(4) };
        Assert.Single(Assert.IsType<InboundResult.Accepted>(Signed(json, timestamp: ts, channel: wide)).Events);
    }
}
