using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The same flow through Zalo OA: user_send_text webhooks in, OA message/cs out, user_received_message back.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class ZaloFlowTests(InMemoryGatewayFixture f)
{
    private string WebhookUrl => f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.ZaloReceivePath;

    [Fact]
    public Task New_zalo_user_is_asked_for_the_commune_routed_by_old_name_and_gets_a_reply_that_is_delivered() => f.RunAsync(async () =>
    {
        var userId = Demo.NewZaloUserId();
        var marker = Flows.Marker();
        var firstText = $"Cầu treo qua suối bị hỏng, bà con không đi chợ được ({marker})";

        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(WebhookUrl, f.Zalo.UserSendText(userId, firstText)));

        var prompt = await Flows.WaitForZaloSendAsync(f, userId, "the question which commune", _ => true);
        Assert.True(Flows.LooksVietnamese(prompt.Text), $"the commune question should be in Vietnamese: '{prompt.Text}'");
        Assert.Null(await Flows.FindConversationAsync(f.Api, Demo.LienSonCode, Demo.LienSonOfficer, marker));

        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(WebhookUrl, f.Zalo.UserSendText(userId, Demo.OldCommuneNameOfLienSon)));

        var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);
        Assert.Equal(Demo.LienSonCode, conversation.CommuneCode);
        Assert.False(string.IsNullOrWhiteSpace(conversation.TrackingCode));
        Assert.Contains("zalo", conversation.Channel ?? "", StringComparison.OrdinalIgnoreCase);
        Flows.AssertMasked(conversation, userId);
        var first = Assert.Single(conversation.Messages!, m => m.Text?.Contains(marker) == true);
        Assert.Equal("in", first.Direction);
        Assert.Equal(firstText, first.Text);

        await Flows.WaitForZaloSendAsync(f, userId, $"an acknowledgement with tracking code {conversation.TrackingCode}",
            m => m.Text.Contains(conversation.TrackingCode!, StringComparison.Ordinal));

        var replyText = $"Xã đã báo đội sửa cầu, dự kiến xong trong tuần. ({Flows.Marker()})";
        var reply = await f.Api.ReplyAsync(conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString());
        Assert.True(reply.Ok, $"POST replies answered {(int)reply.StatusCode}: {reply.RawBody}");

        var accepted = await Flows.WaitForZaloSendAsync(f, userId, "the officer's reply", m => m.Text == replyText);
        var request = Assert.Single(Flows.ZaloRequestsTo(f, userId), r => Flows.ZaloTextOf(r) == replyText);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3.0/oa/message/cs", request.Path);
        Assert.Equal(Demo.ZaloAccessToken, request.Header("access_token"));
        Assert.StartsWith("application/json", request.Header("Content-Type") ?? "", StringComparison.OrdinalIgnoreCase);
        var json = request.Json();
        Assert.Equal(userId, json.GetProperty("recipient").GetProperty("user_id").GetString());
        Assert.Equal(replyText, json.GetProperty("message").GetProperty("text").GetString());

        var withReply = await Flows.WaitForConversationStateAsync(f, conversation.Id, Demo.LienSonOfficer, "the reply in the conversation",
            c => c.Messages?.Any(m => m.Direction == "out" && m.Text == replyText) == true);
        var replyMessage = withReply.Messages!.Single(m => m.Direction == "out" && m.Text == replyText);

        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(WebhookUrl, f.Zalo.UserReceivedMessage(userId, accepted.MessageId)));
        await Flows.WaitForConversationStateAsync(f, conversation.Id, Demo.LienSonOfficer, $"Zalo reply {replyMessage.Id} to be marked delivered",
            c => c.Messages?.Single(m => m.Id == replyMessage.Id).Status == "delivered");
    });
}
