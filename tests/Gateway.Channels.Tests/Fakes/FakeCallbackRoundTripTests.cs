using System.Net;
using Gateway.Channels.Twilio;
using Gateway.Channels.Zalo;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Fakes;

/// <summary>
/// The fakes' callbacks, received over real HTTP by a stand-in endpoint that runs the adapter, as the gateway will.
/// </summary>
public sealed class FakeCallbackRoundTripTests
{
    [Fact]
    public async Task Twilio_status_callback_is_signed_so_the_adapter_accepts_it()
    {
        await using var twilio = await FakeTwilioServer.StartAsync();
        var channel = twilio.ChannelOptions();
        var adapter = new TwilioAdapter();
        var events = new List<ChannelEvent>();
        await using var gateway = await RecordingServer.StartAsync((request, url) =>
        {
            var result = adapter.Handle(WebhookKind.Status, RecordingServer.ToInboundRequest(request, url), channel);
            if (result is InboundResult.Accepted a) { lock (events) events.AddRange(a.Events); return (200, a.Response.Body); }
            return (((InboundResult.Rejected)result).StatusCode, "");
        });
        using var http = new HttpClient();
        var callback = gateway.Url + "/webhooks/twilio/status?channel=twilio";
        var sent = Assert.IsType<SendResult.Sent>(await adapter.SendAsync(
            new OutboundMessage(Guid.CreateVersion7(), Urn.Phone("+84912345678"), "Thông báo", callback, 1), channel, http, CancellationToken.None));
        Assert.Equal(callback, Assert.Single(twilio.Messages).StatusCallback);

        Assert.Equal(HttpStatusCode.OK, await twilio.PostStatusCallbackAsync(callback, twilio.AuthToken, sent.ProviderMessageId, "delivered"));
        Assert.Equal(HttpStatusCode.OK, await twilio.PostStatusCallbackAsync(callback, twilio.AuthToken, sent.ProviderMessageId, "undelivered", 30003));
        Assert.Equal(HttpStatusCode.Forbidden, await twilio.PostStatusCallbackAsync(callback, "not-the-token", sent.ProviderMessageId, "delivered"));

        Assert.Equal(
            [new StatusUpdated(sent.ProviderMessageId, DeliveryStatus.Delivered, null, null),
             new StatusUpdated(sent.ProviderMessageId, DeliveryStatus.Failed, "30003", "Unreachable handset")],
            events);
        var first = gateway.Requests[0];
        Assert.Equal("+84912345678", first.FormValue("To"));
        Assert.Equal("CUUHO", first.FormValue("From"));
        Assert.False(string.IsNullOrEmpty(first.Header("I-Twilio-Idempotency-Token")));
    }

    [Fact]
    public async Task Zalo_webhook_from_the_fake_is_signed_so_the_adapter_accepts_it()
    {
        await using var zalo = await FakeZaloServer.StartAsync();
        var channel = zalo.ChannelOptions();
        var adapter = new ZaloAdapter(FixedClock.AtUnixMs(1782027000000)); // the events below are stamped then
        var events = new List<ChannelEvent>();
        await using var gateway = await RecordingServer.StartAsync((request, url) =>
        {
            var result = adapter.Handle(WebhookKind.Receive, RecordingServer.ToInboundRequest(request, url), channel);
            if (result is InboundResult.Accepted a) { lock (events) events.AddRange(a.Events); return (200, a.Response.Body); }
            return (((InboundResult.Rejected)result).StatusCode, "");
        });

        var at = DateTimeOffset.FromUnixTimeMilliseconds(1782027000000);
        var text = zalo.UserSendText("6284710593827461035", "Đường vào bản bị sạt lở", at: at);
        Assert.Equal(HttpStatusCode.OK, await zalo.PostWebhookAsync(gateway.Url + "/webhooks/zalo", text));
        Assert.Equal(HttpStatusCode.OK, await zalo.PostWebhookAsync(gateway.Url + "/webhooks/zalo", zalo.Follow("6284710593827461035", at: at)));
        Assert.Equal(HttpStatusCode.OK, await zalo.PostWebhookAsync(gateway.Url + "/webhooks/zalo", zalo.UserReceivedMessage("6284710593827461035", "m1", at: at)));
        Assert.Equal(HttpStatusCode.OK, await zalo.PostWebhookAsync(gateway.Url + "/webhooks/zalo", zalo.UserSeenMessage("6284710593827461035", ["m1", "m2"], at: at)));
        var forged = text with { Signature = ZaloSignature.Compute(zalo.AppId, text.Body, "1782027000000", "wrong-secret") };
        Assert.Equal(HttpStatusCode.Forbidden, await zalo.PostWebhookAsync(gateway.Url + "/webhooks/zalo", forged));

        var message = Assert.IsType<MessageReceived>(events[0]);
        Assert.Equal(text.MessageId, message.ProviderMessageId);
        Assert.Equal(Urn.ZaloUser("6284710593827461035"), message.From);
        Assert.Equal(zalo.OaId, message.To);
        Assert.Equal("Đường vào bản bị sạt lở", message.Text);
        Assert.Equal(at, message.SentAt);
        Assert.Equal(new FollowChanged(Urn.ZaloUser("6284710593827461035"), true, at), events[1]);
        Assert.Equal(new StatusUpdated("m1", DeliveryStatus.Delivered, null, null), events[2]);
        Assert.Equal([new StatusUpdated("m1", DeliveryStatus.Read, null, null), new StatusUpdated("m2", DeliveryStatus.Read, null, null)], events[3..]);
        Assert.Equal(5, gateway.Requests.Count);
    }

    [Fact]
    public async Task Fakes_listen_on_loopback_with_distinct_random_ports()
    {
        await using var a = await FakeTwilioServer.StartAsync();
        await using var b = await FakeZaloServer.StartAsync();
        Assert.StartsWith("http://127.0.0.1:", a.Url);
        Assert.StartsWith("http://127.0.0.1:", b.Url);
        Assert.NotEqual(a.Url, b.Url);
    }

    [Fact]
    public async Task Fake_twilio_answers_404_json_for_other_paths_and_records_it()
    {
        await using var twilio = await FakeTwilioServer.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync(twilio.Url + "/2010-04-01/Accounts/ACx/Calls.json");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("20404", await response.Content.ReadAsStringAsync());
        Assert.Equal("/2010-04-01/Accounts/ACx/Calls.json", Assert.Single(twilio.Requests).Path);
    }
}
