using System.Text;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Twilio;

namespace Gateway.Channels.Tests.Twilio;

public class TwilioWebhookTests
{
    private const string Token = "f3b1c9e2d8a74b6c95e0a1d2c3b4e5f6";
    private const string SmsUrl = "https://sms-gw.example.vn/webhooks/twilio/sms";
    private static readonly ChannelOptions Channel = new() { Key = "twilio", Type = "twilio", AuthToken = Token };
    private readonly TwilioAdapter _adapter = new();

    private InboundResult HandleVector(string id, string? idempotencyToken = null)
    {
        var v = ConformanceVectors.Twilio(id);
        return _adapter.Handle(TwilioVectorRequests.Kind(v), TwilioVectorRequests.Request(v, idempotencyToken: idempotencyToken), TwilioVectorRequests.Channel(v));
    }

    private static T Single<T>(InboundResult result) where T : ChannelEvent =>
        Assert.IsType<T>(Assert.Single(Assert.IsType<InboundResult.Accepted>(result).Events));

    [Fact]
    public void Inbound_sms_becomes_a_message_from_a_tel_urn()
    {
        var message = Single<MessageReceived>(HandleVector("twilio-vi-01", idempotencyToken: "idem-123"));

        Assert.Equal("SM4f9a1c7e2b8d3f6a0c5e9b1d7f3a8c2e", message.ProviderMessageId);
        Assert.Equal(Urn.Phone("+84912345678"), message.From);
        Assert.Equal("+12015550123", message.To);
        Assert.Equal("Xin chào, đường vào bản bị sạt lở", message.Text);
        Assert.Equal(message.Text, message.RawText);
        Assert.Empty(message.Attachments);
        Assert.Null(message.Location);
        Assert.Equal("idem-123", message.IdempotencyToken);
    }

    [Fact]
    public void Decomposed_text_is_normalized_to_nfc_after_validation_and_the_raw_text_is_kept()
    {
        var message = Single<MessageReceived>(HandleVector("twilio-vi-13"));

        Assert.Equal(43, message.RawText.Length);
        Assert.True(message.RawText.IsNormalized(NormalizationForm.FormD));
        Assert.Equal(33, message.Text.Length);
        Assert.Equal("Xin chào, đường vào bản bị sạt lở".Normalize(NormalizationForm.FormC), message.Text);
    }

    [Fact]
    public void Mms_media_become_attachments()
    {
        var message = Single<MessageReceived>(HandleVector("twilio-vi-06"));

        var media = Assert.Single(message.Attachments);
        Assert.Equal("https://api.twilio.com/2010-04-01/Accounts/ACe1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6/Messages/MM7d3e9a1b5c2f8e4a6b0d9c3e7f1a5b2c/Media/ME2c4e6a8b0d1f3a5c7e9b1d3f5a7c9e1b", media.Url);
        Assert.Equal("image/jpeg", media.ContentType);
        Assert.Equal(Urn.Phone("+84901234567"), message.From);
        Assert.StartsWith("Ảnh hiện trường", message.Text);
    }

    [Fact]
    public void Get_webhook_reads_its_parameters_from_the_query()
    {
        var message = Single<MessageReceived>(HandleVector("twilio-vi-15"));
        Assert.Equal("SM4f9a1c7e2b8d3f6a0c5e9b1d7f3a8c2e", message.ProviderMessageId);
        Assert.Equal(Urn.Phone("+84912345678"), message.From);
        Assert.Equal("Xin chào, đường vào bản bị sạt lở", message.Text);
    }

    [Fact]
    public void Json_event_stream_inbound_message_is_parsed_after_the_body_hash_checks_out()
    {
        var message = Single<MessageReceived>(HandleVector("twilio-vi-09"));
        Assert.Equal("SM4f9a1c7e2b8d3f6a0c5e9b1d7f3a8c2e", message.ProviderMessageId);
        Assert.Equal(Urn.Phone("+84912345678"), message.From);
        Assert.Equal("Xin chào, đường vào bản bị sạt lở", message.Text);
        Assert.Equal(new DateTimeOffset(2026, 6, 21, 7, 30, 0, TimeSpan.Zero), message.SentAt);
    }

    [Theory]
    [InlineData("twilio-vi-07", DeliveryStatus.Delivered, null)]
    [InlineData("twilio-vi-07b", DeliveryStatus.Sent, null)]
    [InlineData("twilio-vi-08", DeliveryStatus.Failed, "30003")]
    [InlineData("twilio-vi-08b", DeliveryStatus.Failed, "30036")]
    public void Status_callbacks_become_status_updates(string id, DeliveryStatus status, string? errorCode)
    {
        var update = Single<StatusUpdated>(HandleVector(id));
        var v = ConformanceVectors.Twilio(id);
        Assert.Equal(v.GetProperty("params").GetProperty("MessageSid").GetString(), update.ProviderMessageId);
        Assert.Equal(status, update.Status);
        Assert.Equal(errorCode, update.ErrorCode);
        if (errorCode is null) Assert.Null(update.ErrorMessage);
        else Assert.False(string.IsNullOrEmpty(update.ErrorMessage));
    }

    [Theory]
    [InlineData("queued", DeliveryStatus.Queued)]
    [InlineData("accepted", DeliveryStatus.Queued)]
    [InlineData("scheduled", DeliveryStatus.Queued)]
    [InlineData("sending", DeliveryStatus.Sending)]
    [InlineData("sent", DeliveryStatus.Sent)]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("read", DeliveryStatus.Read)]
    [InlineData("undelivered", DeliveryStatus.Failed)]
    [InlineData("failed", DeliveryStatus.Failed)]
    [InlineData("canceled", DeliveryStatus.Failed)]
    [InlineData("partially_delivered", DeliveryStatus.Sent)]
    public void Status_mapping_table(string twilioStatus, DeliveryStatus expected)
    {
        Assert.Equal(expected, TwilioStatus.ToDeliveryStatus(twilioStatus));
        var update = Single<StatusUpdated>(Signed(WebhookKind.Status, $"MessageSid=SM1&MessageStatus={twilioStatus}&SmsStatus=ignored"));
        Assert.Equal(expected, update.Status);
    }

    [Fact]
    public void Status_falls_back_to_SmsStatus_and_unknown_statuses_are_acknowledged_without_events()
    {
        Assert.Equal(DeliveryStatus.Sent, Single<StatusUpdated>(Signed(WebhookKind.Status, "MessageSid=SM1&SmsStatus=sent")).Status);
        var accepted = Assert.IsType<InboundResult.Accepted>(Signed(WebhookKind.Status, "MessageSid=SM1&MessageStatus=teleported"));
        Assert.Empty(accepted.Events);
    }

    public static TheoryData<WebhookKind, string, string> MalformedPayloads => new()
    {
        { WebhookKind.Receive, "From=%2B84912345678&Body=hi", "MessageSid" },
        { WebhookKind.Receive, "MessageSid=&From=%2B84912345678&Body=hi", "MessageSid" },
        { WebhookKind.Receive, "MessageSid=SM1&Body=hi", "From" },
        { WebhookKind.Receive, "MessageSid=SM1&From=&Body=hi", "From" },
        { WebhookKind.Receive, "MessageSid=SM1&From=not-a-phone&Body=hi", "From" },
        { WebhookKind.Status, "MessageStatus=delivered", "MessageSid" },
        { WebhookKind.Status, "MessageSid=SM1&To=%2B84912345678", "MessageStatus" },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Malformed_payloads_are_400_naming_the_field(WebhookKind kind, string body, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Signed(kind, body));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Fact]
    public void A_message_without_a_body_is_an_empty_text()
    {
        var message = Single<MessageReceived>(Signed(WebhookKind.Receive, "MessageSid=SM1&From=0912345678"));
        Assert.Equal("", message.Text);
        Assert.Equal(Urn.Phone("+84912345678"), message.From);
    }

    [Fact]
    public void Control_characters_are_stripped_from_text_but_kept_in_raw_text()
    {
        var message = Single<MessageReceived>(Signed(WebhookKind.Receive, "MessageSid=SM1&From=%2B84912345678&Body=%E2%80%8BH%E1%BB%A7y%07+%0D%0A"));
        Assert.Equal("\u200BHủy\u0007 \r\n", message.RawText);
        Assert.Equal("Hủy", message.Text);
    }

    [Fact]
    public void Missing_signature_is_403_before_anything_is_parsed()
    {
        var request = new InboundRequest("POST", SmsUrl, new Dictionary<string, string>(), "garbage"u8.ToArray(), "application/x-www-form-urlencoded");
        var rejected = Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, request, Channel));
        Assert.Equal(403, rejected.StatusCode);
        Assert.Contains(TwilioSignature.Header, rejected.Error);
    }

    [Fact]
    public void A_channel_without_an_auth_token_refuses_everything()
    {
        var v = ConformanceVectors.Twilio("twilio-vi-01");
        var rejected = Assert.IsType<InboundResult.Rejected>(_adapter.Handle(WebhookKind.Receive, TwilioVectorRequests.Request(v), new ChannelOptions { Type = "twilio" }));
        Assert.Equal(403, rejected.StatusCode);
    }

    [Fact]
    public void Signature_header_is_found_whatever_its_case()
    {
        var body = "MessageSid=SM1&From=%2B84912345678&Body=hi";
        var signature = TwilioSignature.Compute(Token, SmsUrl, FormUrlEncoding.Parse(Encoding.UTF8.GetBytes(body)));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["x-twilio-signature"] = signature };
        var request = new InboundRequest("POST", SmsUrl, headers, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded");
        Assert.IsType<InboundResult.Accepted>(_adapter.Handle(WebhookKind.Receive, request, Channel));
    }

    /// <summary>A correctly signed form POST, so the test reaches the parser.</summary>
    private InboundResult Signed(WebhookKind kind, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var url = kind == WebhookKind.Status ? "https://sms-gw.example.vn/webhooks/twilio/status" : SmsUrl;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [TwilioSignature.Header] = TwilioSignature.Compute(Token, url, FormUrlEncoding.Parse(bytes)),
        };
        return _adapter.Handle(kind, new InboundRequest("POST", url, headers, bytes, "application/x-www-form-urlencoded"), Channel);
    }
}
