using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>A repeated Idempotency-Key never sends twice.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class RepliesTests(InMemoryGatewayFixture f)
{
    [Fact]
    public Task A_repeated_Idempotency_Key_sends_the_reply_once() => f.RunAsync(async () =>
    {
        var r = await Flows.NewTwilioResidentReachesLienSonAsync(f);
        var id = r.Conversation.Id;

        // Sequential repeats of one key.
        var textA = $"Xã sẽ cử cán bộ xuống thôn ({Flows.Marker()})";
        var keyA = Guid.NewGuid().ToString();
        var first = await f.Api.ReplyAsync(id, textA, Demo.LienSonOfficer, keyA);
        var second = await f.Api.ReplyAsync(id, textA, Demo.LienSonOfficer, keyA);
        Assert.True(first.Ok, $"first reply: {(int)first.StatusCode} {first.RawBody}");
        Assert.True(second.Ok, $"repeated reply: {(int)second.StatusCode} {second.RawBody}");

        // Concurrent repeats of another key (a double-clicked button, a client retrying on a timeout).
        var textB = $"Đề nghị bà con giữ liên lạc ({Flows.Marker()})";
        var keyB = Guid.NewGuid().ToString();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => f.Api.ReplyAsync(id, textB, Demo.LienSonOfficer, keyB)));
        Assert.All(concurrent, c => Assert.True(c.Ok || c.StatusCode == HttpStatusCode.Conflict, $"repeated concurrent reply: {(int)c.StatusCode} {c.RawBody}"));

        // A different key with the same text is a new reply, and serves as the barrier.
        var keyC = Guid.NewGuid().ToString();
        Assert.True((await f.Api.ReplyAsync(id, textA, Demo.LienSonOfficer, keyC)).Ok);

        await Flows.WaitForTwilioSendAsync(f, r.Phone, "reply B", m => m.Body == textB);
        await Eventually.Until("two sends of text A (key A and key C)",
            () => Task.FromResult(f.Twilio.Messages.Count(m => m.To == r.Phone && m.Body == textA)), n => n >= 2, f.Gateway);
        var conversation = await Flows.WaitForConversationStateAsync(f, id, Demo.LienSonOfficer, "three replies recorded",
            c => c.Messages!.Count(m => m.Direction == "out" && (m.Text == textA || m.Text == textB)) >= 3);

        Assert.Equal(2, conversation.Messages!.Count(m => m.Direction == "out" && m.Text == textA));
        Assert.Single(conversation.Messages!, m => m.Direction == "out" && m.Text == textB);
        Assert.Equal(2, f.Twilio.Messages.Count(m => m.To == r.Phone && m.Body == textA));
        Assert.Single(f.Twilio.Messages, m => m.To == r.Phone && m.Body == textB);
    });
}

/// <summary>The provider fails the first send with a 500; the reply still goes out, exactly once. Own gateway: the fake's script is global.</summary>
public sealed class ProviderRetryTests(InMemoryGatewayFixture f) : IClassFixture<InMemoryGatewayFixture>
{
    [Fact]
    public Task A_reply_that_Twilio_first_refuses_with_500_is_retried_and_delivered_exactly_once() => f.RunAsync(async () =>
    {
        var r = await Flows.NewTwilioResidentReachesLienSonAsync(f);
        var replyText = $"Xã đã chuyển tin cho trạm y tế ({Flows.Marker()})";

        f.Twilio.FailNext(1, 500);
        var reply = await f.Api.ReplyAsync(r.Conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString());
        Assert.True(reply.Ok, $"POST replies answered {(int)reply.StatusCode}: {reply.RawBody}");

        var accepted = await Flows.WaitForTwilioSendAsync(f, r.Phone, "the reply, after a retry", m => m.Body == replyText, TimeSpan.FromSeconds(90));
        var attempts = Flows.TwilioRequestsTo(f, r.Phone).Where(x => x.FormValue("Body") == replyText).ToList();
        Assert.True(attempts.Count >= 2, $"the first attempt was refused with 500, so at least two attempts were made; saw {attempts.Count}");

        Assert.Equal(HttpStatusCode.OK, await Flows.PostTwilioStatusAsync(f, accepted.Sid, "delivered"));
        var conversation = await Flows.WaitForConversationStateAsync(f, r.Conversation.Id, Demo.LienSonOfficer, "the retried reply to be delivered",
            c => c.Messages?.Any(m => m.Direction == "out" && m.Text == replyText && m.Status == "delivered") == true);

        Assert.Single(conversation.Messages!, m => m.Direction == "out" && m.Text == replyText);
        Assert.Single(f.Twilio.Messages, m => m.To == r.Phone && m.Body == replyText);
    });
}
