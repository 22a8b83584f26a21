using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The same end-to-end flow with Messaging:Transport=RabbitMq against a real rabbitmq-server (own vhost).</summary>
public sealed class RabbitMqFlowTests
{
    [RabbitMqFact]
    public async Task New_resident_reaches_the_commune_and_gets_a_delivered_reply_over_RabbitMq()
    {
        await using var f = await new RabbitMqGatewayFixture().StartedAsync();
        await f.RunAsync(async () =>
        {
            var registered = await Flows.NewTwilioResidentReachesLienSonAsync(f);
            await Flows.OfficerReplyIsSentAndDeliveredOverTwilioAsync(f, registered);

            // A duplicate over the broker is still stored once.
            var marker = Flows.Marker();
            var sid = Demo.NewTwilioSid();
            var text = $"Thêm một tin ({marker})";
            Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, registered.Phone, text, sid));
            Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, registered.Phone, text, sid));
            var barrier = Flows.Marker();
            Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, registered.Phone, $"Tin sau ({barrier})"));
            var c = await Flows.WaitForConversationStateAsync(f, registered.Conversation.Id, Demo.LienSonOfficer, "both new messages in the conversation",
                x => x.Messages?.Any(m => m.Text?.Contains(barrier) == true) == true && x.Messages.Any(m => m.Text?.Contains(marker) == true));
            Assert.Single(c.Messages!, m => m.Text?.Contains(marker) == true);
        });
    }

    [RabbitMqFact]
    public async Task The_zalo_flow_works_over_RabbitMq()
    {
        await using var f = await new RabbitMqGatewayFixture().StartedAsync();
        await f.RunAsync(async () =>
        {
            var url = f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.ZaloReceivePath;
            var userId = Demo.NewZaloUserId();
            var marker = Flows.Marker();
            Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(url, f.Zalo.UserSendText(userId, $"Hỏi về trợ cấp ({marker})")));
            await Flows.WaitForZaloSendAsync(f, userId, "the question which commune", _ => true);
            Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(url, f.Zalo.UserSendText(userId, Demo.OldCommuneNameOfLienSon)));
            var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);
            await Flows.WaitForZaloSendAsync(f, userId, "the acknowledgement", m => m.Text.Contains(conversation.TrackingCode!, StringComparison.Ordinal));
            var replyText = $"Mời bà con lên xã làm hồ sơ ({Flows.Marker()})";
            Assert.True((await f.Api.ReplyAsync(conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString())).Ok);
            await Flows.WaitForZaloSendAsync(f, userId, "the reply", m => m.Text == replyText);
        });
    }
}
