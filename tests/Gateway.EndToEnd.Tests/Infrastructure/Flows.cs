using System.Net;
using System.Text;
using Gateway.Fakes;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>The resident ↔ commune flow, step by step, shared by the in-memory and RabbitMQ tests.</summary>
public static class Flows
{
    /// <summary>A unique, human-readable marker to find one message among everything else the gateway holds.</summary>
    public static string Marker() => "ma-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Vietnamese-only characters (not GSM-7, not plain ASCII): a prompt "in Vietnamese" has some.</summary>
    public static bool LooksVietnamese(string? text) =>
        text is not null && text.Normalize(NormalizationForm.FormD).Any(c => c is '\u0300' or '\u0301' or '\u0303' or '\u0309' or '\u0323' or '\u031B' or '\u0302' or '\u0306')
        || (text?.Contains('đ') ?? false);

    /// <summary>Newest conversations of a commune, each with its messages, until one holds <paramref name="marker"/>.</summary>
    public static async Task<ConversationView?> FindConversationAsync(GatewayApi api, string communeCode, string asUser, string marker)
    {
        var list = await api.ConversationsAsync(communeCode, asUser);
        if (!list.Ok || list.Value is null)
            throw new InvalidOperationException($"GET /api/communes/{communeCode}/conversations as {asUser} answered {(int)list.StatusCode}: {list.RawBody}");
        foreach (var summary in list.Value.Take(60))
        {
            var one = await api.ConversationAsync(summary.Id, asUser);
            if (one.Ok && one.Value?.Messages?.Any(m => m.Text?.Contains(marker, StringComparison.Ordinal) == true) == true)
                return one.Value;
        }
        return null;
    }

    public static Task<ConversationView> WaitForConversationAsync(GatewayFixture f, string communeCode, string asUser, string marker) =>
        Eventually.Until($"a conversation in commune {communeCode}'s inbox holding '{marker}'",
            () => FindConversationAsync(f.Api, communeCode, asUser, marker), c => c is not null, f.Gateway)!;

    public static Task<ConversationView> WaitForConversationStateAsync(GatewayFixture f, string id, string asUser, string what, Func<ConversationView, bool> done, TimeSpan? timeout = null) =>
        Eventually.Until(what, async () =>
        {
            var r = await f.Api.ConversationAsync(id, asUser);
            if (!r.Ok) throw new InvalidOperationException($"GET /api/conversations/{id} answered {(int)r.StatusCode}: {r.RawBody}");
            return r.Value!;
        }, done, f.Gateway, timeout);

    /// <summary>Requests to the fake Twilio's Messages API addressed to <paramref name="to"/> (accepted or refused).</summary>
    public static IEnumerable<RecordedRequest> TwilioRequestsTo(GatewayFixture f, string to) =>
        f.Twilio.Requests.Where(r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal) && r.FormValue("To") == to);

    /// <summary>Waits until the fake Twilio accepted (201) a message to <paramref name="to"/> that matches.</summary>
    public static Task<FakeTwilioMessage> WaitForTwilioSendAsync(GatewayFixture f, string to, string what, Func<FakeTwilioMessage, bool> match, TimeSpan? timeout = null) =>
        Eventually.Until($"the fake Twilio to receive {what} for {to}",
            () => Task.FromResult(f.Twilio.Messages.FirstOrDefault(m => m.To == to && match(m))),
            m => m is not null, f.Gateway, timeout)!;

    /// <summary>Waits until the fake Zalo accepted (error 0) a message to <paramref name="userId"/> that matches.</summary>
    public static Task<FakeZaloMessage> WaitForZaloSendAsync(GatewayFixture f, string userId, string what, Func<FakeZaloMessage, bool> match, TimeSpan? timeout = null) =>
        Eventually.Until($"the fake Zalo to receive {what} for user {userId}",
            () => Task.FromResult(f.Zalo.Messages.FirstOrDefault(m => m.UserId == userId && match(m))),
            m => m is not null, f.Gateway, timeout)!;

    /// <summary>Requests to the fake Zalo's consultation API whose JSON names <paramref name="userId"/> as recipient.</summary>
    public static IEnumerable<RecordedRequest> ZaloRequestsTo(GatewayFixture f, string userId) =>
        f.Zalo.Requests.Where(r => r.Path == "/v3.0/oa/message/cs" && RecipientOf(r) == userId);

    public static string? ZaloTextOf(RecordedRequest r)
    {
        try
        {
            var root = r.Json();
            return root.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t) ? t.GetString() : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string? RecipientOf(RecordedRequest r)
    {
        try
        {
            var root = r.Json();
            return root.TryGetProperty("recipient", out var x) && x.TryGetProperty("user_id", out var u) ? u.GetString() : null;
        }
        catch (System.Text.Json.JsonException) { return null; }
    }

    public static void AssertEmptyTwiml(WebhookResult result)
    {
        Assert.True(result.StatusCode == HttpStatusCode.OK, $"webhook answered {(int)result.StatusCode}: {result.Body}");
        Assert.Contains("xml", result.ContentType ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<Response", result.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("<Message", result.Body, StringComparison.Ordinal);
    }

    public sealed record Registered(string Phone, string Marker, ConversationView Conversation);

    /// <summary>
    /// A new resident texts over Twilio → the gateway asks (in Vietnamese, by SMS) which commune → the resident
    /// answers with an old pre-2025 commune name → the held message lands in Liên Sơn's inbox with a tracking
    /// code → the resident's acknowledgement carries that code.
    /// </summary>
    public static async Task<Registered> NewTwilioResidentReachesLienSonAsync(GatewayFixture f, string? phone = null)
    {
        phone ??= Demo.NewResidentPhone();
        var marker = Marker();
        var firstText = $"Đường vào bản bị sạt lở, xe không qua được ({marker})";

        AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, firstText));

        var prompt = await WaitForTwilioSendAsync(f, phone, "the question which commune", _ => true);
        Assert.Equal(Demo.TwilioFrom, prompt.From);
        Assert.True(LooksVietnamese(prompt.Body), $"the commune question should be in Vietnamese: '{prompt.Body}'");
        Assert.Null(await FindConversationAsync(f.Api, Demo.LienSonCode, Demo.LienSonOfficer, marker)); // held, not routed yet

        AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, Demo.OldCommuneNameOfLienSon));

        var conversation = await WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);
        Assert.Equal(Demo.LienSonCode, conversation.CommuneCode);
        Assert.False(string.IsNullOrWhiteSpace(conversation.TrackingCode), "a new conversation gets a tracking code");
        Assert.Contains("twilio", conversation.Channel ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal("open", conversation.Status);
        AssertMasked(conversation, phone);
        var first = Assert.Single(conversation.Messages!, m => m.Text?.Contains(marker) == true);
        Assert.Equal("in", first.Direction);
        Assert.Equal(firstText, first.Text);

        await WaitForTwilioSendAsync(f, phone, $"an acknowledgement with tracking code {conversation.TrackingCode}",
            m => m.Body.Contains(conversation.TrackingCode!, StringComparison.Ordinal));
        return new Registered(phone, marker, conversation);
    }

    /// <summary>The resident's address is masked: the full number never appears in the API.</summary>
    public static void AssertMasked(ConversationView conversation, string address)
    {
        var resident = conversation.Resident.ToString();
        Assert.False(string.IsNullOrWhiteSpace(resident), "a conversation shows its (masked) resident");
        Assert.DoesNotContain(address, resident, StringComparison.Ordinal);
        Assert.DoesNotContain(address.TrimStart('+'), resident, StringComparison.Ordinal);
    }

    /// <summary>Basic base64(AccountSid:AuthToken), as Twilio's API expects.</summary>
    public static string TwilioBasicAuth() =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Demo.TwilioAccountSid}:{Demo.TwilioAuthToken}"));

    /// <summary>
    /// The commune officer replies; the fake Twilio must receive exactly the expected request; its signed
    /// status callback "delivered" must mark the reply delivered.
    /// </summary>
    public static async Task OfficerReplyIsSentAndDeliveredOverTwilioAsync(GatewayFixture f, Registered r)
    {
        var replyText = $"UBND xã Liên Sơn đã nhận tin, cán bộ sẽ đến kiểm tra ngay hôm nay. ({Marker()})";
        var reply = await f.Api.ReplyAsync(r.Conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString());
        Assert.True(reply.Ok, $"POST replies answered {(int)reply.StatusCode}: {reply.RawBody}");

        var accepted = await WaitForTwilioSendAsync(f, r.Phone, "the officer's reply", x => x.Body == replyText);
        var sent = Assert.Single(TwilioRequestsTo(f, r.Phone), x => x.FormValue("Body") == replyText);
        Assert.Equal("POST", sent.Method);
        Assert.Equal($"/2010-04-01/Accounts/{Demo.TwilioAccountSid}/Messages.json", sent.Path);
        Assert.Equal(TwilioBasicAuth(), sent.Header("Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", sent.Header("Content-Type") ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(r.Phone, sent.FormValue("To"));
        Assert.Equal(Demo.TwilioFrom, sent.FormValue("From"));
        Assert.Equal(replyText, sent.FormValue("Body"));
        Assert.Equal(f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.TwilioStatusPath, sent.FormValue("StatusCallback"));

        var outbound = await WaitForConversationStateAsync(f, r.Conversation.Id, Demo.LienSonOfficer, "the reply in the conversation",
            c => c.Messages?.Any(m => m.Direction == "out" && m.Text == replyText) == true);
        var replyMessage = outbound.Messages!.Single(m => m.Direction == "out" && m.Text == replyText);

        Assert.Equal(HttpStatusCode.OK, await PostTwilioStatusAsync(f, accepted.Sid, "sent"));
        Assert.Equal(HttpStatusCode.OK, await PostTwilioStatusAsync(f, accepted.Sid, "delivered"));
        await WaitForConversationStateAsync(f, r.Conversation.Id, Demo.LienSonOfficer, $"reply {replyMessage.Id} to be marked delivered",
            c => c.Messages?.Single(m => m.Id == replyMessage.Id).Status == "delivered");
    }

    /// <summary>The fake Twilio posts a signed status callback to the gateway's public status URL.</summary>
    public static Task<HttpStatusCode> PostTwilioStatusAsync(GatewayFixture f, string sid, string status) =>
        f.Twilio.PostStatusCallbackAsync(f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.TwilioStatusPath, Demo.TwilioAuthToken, sid, status);
}
