using Gateway.Channels.Esms;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Esms;

/// <summary>
/// Delivery reports in the shape of the docs' customer-care sample (<c>callback-url.md</c>), behind the
/// CallbackUrl the adapter builds: <c>…/status?channel=esms&amp;secret=…</c>.
/// </summary>
public class EsmsDeliveryReportTests
{
    private const string Secret = FakeEsmsServer.DefaultCallbackSecret;
    private const string SmsId = "dc712784-9c5f-4c69-b9a8-ea69d56adc9a87";
    private static readonly ChannelOptions Channel = new() { Key = "esms", Type = "esms", CallbackSecret = Secret };
    private readonly EsmsAdapter _adapter = new();

    private static string Report(string sendStatus, int success, int failed, string secret = "secret=" + Secret, string smsId = "SMSID=" + SmsId) =>
        $"https://sms-gw.example.vn/webhooks/esms/status?channel=esms&{secret}&{smsId}&SendFailed={failed}&SendStatus={sendStatus}&SendSuccess={success}" +
        "&TotalPrice=0.0000&TotalReceiver=1&TotalSent=1&RequestId=0198d1c4a7e07c3f9b2a5e6d4c3b2a10&TypeId=2&telcoid=1&phonenumber=0901888484&switchsmsid=";

    private InboundResult Get(string url, ChannelOptions? channel = null) =>
        _adapter.Handle(WebhookKind.Status, new InboundRequest("GET", url, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty, null), channel ?? Channel);

    public static TheoryData<string, int, int, DeliveryStatus, string?> Mapped => new()
    {
        { "5", 1, 0, DeliveryStatus.Delivered, null },
        { "5", 0, 1, DeliveryStatus.Failed, "esms:send-failed" },
        { "4", 0, 0, DeliveryStatus.Failed, "esms:refused" },
        { "7", 0, 0, DeliveryStatus.Sent, null },
        { "2", 0, 0, DeliveryStatus.Queued, null },
        { "1", 0, 0, DeliveryStatus.Queued, null },
    };

    [Theory]
    [MemberData(nameof(Mapped))]
    public void SendStatus_maps_to_one_status_update(string sendStatus, int success, int failed, DeliveryStatus status, string? code)
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Get(Report(sendStatus, success, failed)));

        var update = Assert.IsType<StatusUpdated>(Assert.Single(accepted.Events));
        Assert.Equal(SmsId, update.ProviderMessageId);
        Assert.Equal(status, update.Status);
        Assert.Equal(code, update.ErrorCode);
        Assert.Equal(code is null, update.ErrorMessage is null);
        Assert.False(string.IsNullOrEmpty(accepted.Response.Body));
    }

    [Fact]
    public void The_docs_sample_two_failed_none_delivered_is_a_failure()
    {
        // callback-url.md's CSKH sample, verbatim apart from our secret.
        var url = $"https://sms-gw.example.vn/webhooks/esms/status?secret={Secret}&SMSID={SmsId}&SendFailed=2&SendStatus=5&SendSuccess=0&TotalPrice=0.0000&TotalReceiver=2&TotalSent=2&RequestId=&TypeId=2&telcoid=1&phonenumber=0901888484&switchsmsid=";
        var accepted = Assert.IsType<InboundResult.Accepted>(Get(url));
        EventAssert.Equal([new StatusUpdated(SmsId, DeliveryStatus.Failed, "esms:send-failed",
            "eSMS finished sending and no SMS was delivered (SendSuccess 0)")], accepted.Events);
    }

    public static TheoryData<string, string, int, string> Refused => new()
    {
        { "missing secret", Report("5", 1, 0, secret: "x=1"), 403, "secret" },
        { "wrong secret", Report("5", 1, 0, secret: "secret=cb-guess"), 403, "secret" },
        { "secret in another case", Report("5", 1, 0, secret: "secret=" + Secret.ToUpperInvariant()), 403, "secret" },
        { "secret with a suffix", Report("5", 1, 0, secret: "secret=" + Secret + "x"), 403, "secret" },
        { "empty secret", Report("5", 1, 0, secret: "secret="), 403, "secret" },
        { "missing SMSID", Report("5", 1, 0, smsId: "x=1"), 400, "SMSID" },
        { "empty SMSID", Report("5", 1, 0, smsId: "SMSID="), 400, "SMSID" },
        { "unknown SendStatus 3", Report("3", 0, 0), 400, "SendStatus" },
        { "unknown SendStatus 9", Report("9", 0, 0), 400, "SendStatus" },
        { "empty SendStatus", Report("", 0, 0), 400, "SendStatus" },
        { "done without SendSuccess", Report("5", 1, 0).Replace("&SendSuccess=1", ""), 400, "SendSuccess" },
        { "done with a SendSuccess not a number", Report("5", 1, 0).Replace("&SendSuccess=1", "&SendSuccess=one"), 400, "SendSuccess" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Bad_reports_are_refused_with_the_status_and_field(string _, string url, int status, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Get(url));
        Assert.Equal(status, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_channel_without_a_callback_secret_refuses_every_report(string? configured)
    {
        var channel = new ChannelOptions { Type = "esms", CallbackSecret = configured };
        var rejected = Assert.IsType<InboundResult.Rejected>(Get(Report("5", 1, 0, secret: "secret="), channel));
        Assert.Equal(403, rejected.StatusCode);
    }

    [Fact]
    public void A_secret_that_needs_escaping_survives_the_callback_url_the_adapter_builds()
    {
        const string secret = "a+b/c=d&e f";
        var callback = EsmsCallbackUrl.For("https://sms-gw.example.vn/webhooks/esms/status?channel=esms", secret);
        Assert.Equal("https://sms-gw.example.vn/webhooks/esms/status?channel=esms&secret=a%2Bb%2Fc%3Dd%26e%20f", callback);

        var channel = new ChannelOptions { Type = "esms", CallbackSecret = secret };
        var accepted = Assert.IsType<InboundResult.Accepted>(Get(callback + $"&SMSID={SmsId}&SendStatus=7&SendSuccess=0&SendFailed=0", channel));
        Assert.Equal(DeliveryStatus.Sent, Assert.IsType<StatusUpdated>(Assert.Single(accepted.Events)).Status);
    }

    [Theory]
    [InlineData("https://gw/status", "s", "https://gw/status?secret=s")]
    [InlineData("https://gw/status?channel=esms", "s", "https://gw/status?channel=esms&secret=s")]
    [InlineData("https://gw/status?", "s", "https://gw/status?secret=s")]
    [InlineData(null, "s", null)]
    [InlineData("https://gw/status", null, null)]
    [InlineData("https://gw/status", "", null)]
    public void The_callback_url_carries_the_secret_or_is_left_out(string? status, string? secret, string? expected) =>
        Assert.Equal(expected, EsmsCallbackUrl.For(status, secret));
}
