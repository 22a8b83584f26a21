using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Zalo;
using Gateway.Channels.Zns;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zns;

/// <summary>ZNS delivery receipts: built by the fake as in vector zalo-09, received on the OA's (zalo) webhook.</summary>
public sealed class ZnsReceiptTests
{
    [Fact]
    public void The_fakes_receipt_reproduces_vector_zalo_09_byte_for_byte()
    {
        var vector = ConformanceVectors.Zalo("zalo-09");
        var raw = System.Text.Json.JsonDocument.Parse(vector.GetProperty("raw_body").GetString()!).RootElement;
        var message = raw.GetProperty("message");

        var webhook = ZaloWebhooks.ZnsUserReceivedMessage(
            vector.GetProperty("app_id").GetString()!, vector.GetProperty("oa_secret_key").GetString()!,
            raw.GetProperty("sender").GetProperty("id").GetString()!, raw.GetProperty("recipient").GetProperty("id").GetString()!,
            message.GetProperty("msg_id").GetString()!, message.GetProperty("tracking_id").GetString()!,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(message.GetProperty("delivery_time").GetString()!)),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(vector.GetProperty("timestamp").GetString()!)));

        Assert.Equal(vector.GetProperty("raw_body").GetString(), webhook.BodyText);
        Assert.Equal(vector.GetProperty("x_zevent_signature").GetString(), webhook.Signature);
    }

    [Fact]
    public async Task A_sent_template_s_receipt_reaches_the_oa_webhook_as_delivered_for_its_msg_id()
    {
        await using var zns = await FakeZnsServer.StartAsync();
        var oaChannel = new ChannelOptions
        {
            Key = "zalo", Type = ChannelTypes.Zalo, AppId = zns.AppId, OaId = zns.OaId, OaSecretKey = zns.OaSecretKey,
        };
        var zalo = new ZaloAdapter();
        var events = new List<ChannelEvent>();
        await using var gateway = await RecordingServer.StartAsync((request, url) =>
        {
            var result = zalo.Handle(WebhookKind.Receive, RecordingServer.ToInboundRequest(request, url), oaChannel);
            if (result is InboundResult.Accepted a) { lock (events) events.AddRange(a.Events); return (200, a.Response.Body); }
            return (((InboundResult.Rejected)result).StatusCode, "");
        });
        using var http = new HttpClient();
        var sent = Assert.IsType<SendResult.Sent>(await new ZnsAdapter().SendAsync(
            new OutboundMessage(Guid.CreateVersion7(), Urn.Phone("+84912345678"), "", null, 1, "canhbao-7",
                new OutboundTemplate("256789", new Dictionary<string, string> { ["ho_ten"] = "An" })),
            zns.ChannelOptions(), http, CancellationToken.None));

        var receipt = zns.DeliveryReceipt(sent.ProviderMessageId);
        Assert.Equal(System.Net.HttpStatusCode.OK, await zns.PostWebhookAsync(gateway.Url + "/webhooks/zalo", receipt));

        Assert.Contains("\"tracking_id\":\"canhbao-7\"", receipt.BodyText);
        Assert.Contains($"\"id\":\"{FakeZnsServer.UserIdFor("84912345678")}\"", receipt.BodyText);
        Assert.Equal([new StatusUpdated(sent.ProviderMessageId, DeliveryStatus.Delivered, null, null)], events);
    }
}
