using System.Net;
using System.Text;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>Duplicates are stored once; wrong signatures are refused and store nothing; malformed bodies get a 400.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class WebhookSafetyTests(InMemoryGatewayFixture f)
{
    private string ZaloUrl => f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.ZaloReceivePath;

    [Fact]
    public Task A_twilio_webhook_delivered_twice_with_the_same_MessageSid_is_stored_once() => f.RunAsync(async () =>
    {
        var phone = Demo.NewResidentPhone();
        var marker = Flows.Marker();
        var sid = Demo.NewTwilioSid();
        var text = $"Nhà văn hoá thôn bị dột ({marker})";

        // Twilio retries the same webhook (same MessageSid): both answered 200, concurrently too.
        Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, text, sid));
        var retries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Webhooks.TwilioInboundAsync(f.Gateway, phone, text, sid)));
        Assert.All(retries, Flows.AssertEmptyTwiml);

        await Flows.WaitForTwilioSendAsync(f, phone, "the question which commune", _ => true);
        Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, Demo.OldCommuneNameOfLienSon));
        var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);

        // A late duplicate after routing, then a new message as a barrier: once the new one is in, the duplicate has been handled.
        Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, text, sid));
        var barrier = Flows.Marker();
        Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, phone, $"Bổ sung: mái ngói vỡ ({barrier})"));
        var after = await Flows.WaitForConversationStateAsync(f, conversation.Id, Demo.LienSonOfficer, "the follow-up message in the same conversation",
            c => c.Messages?.Any(m => m.Text?.Contains(barrier) == true) == true);

        Assert.Single(after.Messages!, m => m.Text?.Contains(marker) == true);
    });

    [Fact]
    public Task A_zalo_event_delivered_twice_with_the_same_msg_id_is_stored_once() => f.RunAsync(async () =>
    {
        var userId = Demo.NewZaloUserId();
        var marker = Flows.Marker();
        var hook = f.Zalo.UserSendText(userId, $"Xin hỏi lịch tiêm chủng cho trẻ ({marker})");

        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, hook));
        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, hook));
        await Flows.WaitForZaloSendAsync(f, userId, "the question which commune", _ => true);
        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, f.Zalo.UserSendText(userId, Demo.OldCommuneNameOfLienSon)));
        var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);

        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, hook));
        var barrier = Flows.Marker();
        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, f.Zalo.UserSendText(userId, $"Cảm ơn ({barrier})")));
        var after = await Flows.WaitForConversationStateAsync(f, conversation.Id, Demo.LienSonOfficer, "the follow-up message in the same conversation",
            c => c.Messages?.Any(m => m.Text?.Contains(barrier) == true) == true);
        Assert.Single(after.Messages!, m => m.Text?.Contains(marker) == true);
    });

    [Fact]
    public Task Twilio_webhooks_with_a_wrong_or_missing_signature_are_refused_with_403_and_store_nothing() => f.RunAsync(async () =>
    {
        var phone = Demo.NewResidentPhone();
        var marker = Flows.Marker();
        var form = Webhooks.TwilioInboundForm(phone, $"Tin giả mạo ({marker})", Demo.NewTwilioSid());
        var publicUrl = f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.TwilioReceivePath;

        var refusals = new (string Case, string? Signature, bool Omit, List<KeyValuePair<string, string>> Form)[]
        {
            ("signed with another auth token", Signing.Twilio("0000000000000000000000000000dead", publicUrl, form), false, form),
            ("no X-Twilio-Signature header", null, true, form),
            ("signed over https instead of the public http URL", Signing.Twilio(Demo.TwilioAuthToken, "https" + publicUrl[4..], form), false, form),
            ("signed over another path", Signing.Twilio(Demo.TwilioAuthToken, publicUrl + "/", form), false, form),
            ("body changed after signing", Signing.Twilio(Demo.TwilioAuthToken, publicUrl, form), false,
                form.Select(p => p.Key == "Body" ? new KeyValuePair<string, string>("Body", p.Value + " sửa") : p).ToList()),
            ("garbage signature", "not-a-signature", false, form),
        };
        foreach (var (name, signature, omit, body) in refusals)
        {
            using var response = await Webhooks.PostTwilioFormAsync(f.Gateway.Http, f.Gateway.BaseUrl, Webhooks.TwilioReceivePath, body, signature, omit);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{name}: expected 403, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        // A status callback with a bad signature is refused too.
        using (var status = await Webhooks.PostTwilioFormAsync(f.Gateway.Http, f.Gateway.BaseUrl, Webhooks.TwilioStatusPath,
                   Webhooks.TwilioStatusForm(Demo.NewTwilioSid(), "delivered", phone), signatureOverride: "bm90IGEgc2lnbmF0dXJl"))
            Assert.Equal(HttpStatusCode.Forbidden, status.StatusCode);

        // Barrier: a valid message from another resident is processed (asked for the commune) ...
        var other = Demo.NewResidentPhone();
        Flows.AssertEmptyTwiml(await Webhooks.TwilioInboundAsync(f.Gateway, other, "Xin chào"));
        await Flows.WaitForTwilioSendAsync(f, other, "the question which commune", _ => true);

        // ... while nothing of the refused ones exists anywhere: no row in any table, no SMS to that resident.
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, phone));
        Assert.Empty(Flows.TwilioRequestsTo(f, phone));
    });

    [Fact]
    public Task Zalo_webhooks_with_a_wrong_or_missing_signature_are_refused_with_403_and_store_nothing() => f.RunAsync(async () =>
    {
        var userId = Demo.NewZaloUserId();
        var marker = Flows.Marker();
        var ts = Webhooks.ZaloTimestamp();
        var body = Webhooks.ZaloUserSendTextBody(userId, $"Tin giả mạo ({marker})", Guid.NewGuid().ToString("N")[..20], ts);

        var cases = new (string Case, string? Signature, bool Omit)[]
        {
            ("signed with another secret", Signing.Zalo(Demo.ZaloAppId, body, ts, "WrongOaSecretKey0000"), false),
            ("signed with another timestamp", Signing.Zalo(Demo.ZaloAppId, body, "1782027000000", Demo.ZaloOaSecretKey), false),
            ("signed over another body", Signing.Zalo(Demo.ZaloAppId, body + " ", ts, Demo.ZaloOaSecretKey), false),
            ("no X-ZEvent-Signature header", null, true),
            ("garbage signature", "mac=zz", false),
        };
        foreach (var (name, signature, omit) in cases)
        {
            using var response = await Webhooks.PostZaloAsync(f.Gateway.Http, body, ts, signature, omit);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{name}: expected 403, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var other = Demo.NewZaloUserId();
        Assert.Equal(HttpStatusCode.OK, await f.Zalo.PostWebhookAsync(ZaloUrl, f.Zalo.UserSendText(other, "Xin chào")));
        await Flows.WaitForZaloSendAsync(f, other, "the question which commune", _ => true);

        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, userId));
        Assert.Empty(Flows.ZaloRequestsTo(f, userId));
    });

    [Fact]
    public Task Malformed_but_correctly_signed_webhooks_get_a_400_that_says_what_is_missing() => f.RunAsync(async () =>
    {
        var marker = Flows.Marker();

        // Twilio: no From.
        var noFrom = Webhooks.TwilioInboundForm(Demo.NewResidentPhone(), $"Thiếu người gửi ({marker})", Demo.NewTwilioSid())
            .Where(p => p.Key != "From").ToList();
        using (var response = await Webhooks.PostTwilioFormAsync(f.Gateway.Http, f.Gateway.BaseUrl, Webhooks.TwilioReceivePath, noFrom))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Twilio without From: expected 400, got {(int)response.StatusCode} {text}");
            Assert.Contains("From", text, StringComparison.Ordinal);
        }

        // Twilio: no MessageSid (nor SmsSid / SmsMessageSid).
        var noSid = Webhooks.TwilioInboundForm(Demo.NewResidentPhone(), $"Thiếu mã tin ({marker})", "SMx")
            .Where(p => !p.Key.EndsWith("Sid", StringComparison.Ordinal) || p.Key == "AccountSid").ToList();
        using (var response = await Webhooks.PostTwilioFormAsync(f.Gateway.Http, f.Gateway.BaseUrl, Webhooks.TwilioReceivePath, noSid))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Twilio without MessageSid: expected 400, got {(int)response.StatusCode} {text}");
            Assert.Contains("MessageSid", text, StringComparison.Ordinal);
        }

        // Zalo: a user_send_text without a sender, correctly signed.
        var ts = Webhooks.ZaloTimestamp();
        var noSender = "{\"app_id\":\"" + Demo.ZaloAppId + "\",\"event_name\":\"user_send_text\",\"timestamp\":\"" + ts +
                       "\",\"recipient\":{\"id\":\"" + Demo.ZaloOaId + "\"},\"message\":{\"msg_id\":\"" + Guid.NewGuid().ToString("N")[..20] +
                       "\",\"text\":\"Thiếu người gửi (" + marker + ")\"}}";
        using (var response = await Webhooks.PostZaloAsync(f.Gateway.Http, noSender, ts))
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"Zalo without sender: expected 400, got {(int)response.StatusCode} {text}");
            Assert.Contains("sender", text, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));
    });
}
