using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Channels.Esms;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Esms;

/// <summary>Sending through a real HTTP round trip to <see cref="FakeEsmsServer"/>.</summary>
public sealed class EsmsSenderTests : IAsyncLifetime
{
    private const string StatusUrl = "https://sms-gw.example.vn/webhooks/esms/status?channel=esms";
    private FakeEsmsServer _esms = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly EsmsAdapter _adapter = new();

    public async Task InitializeAsync() => _esms = await FakeEsmsServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _esms.DisposeAsync();
    }

    private static OutboundMessage Message(string text = "Thông báo: đường vào bản Nà Hẩu bị sạt lở.", string to = "+84912345678",
        string? callback = StatusUrl, string? reference = null) =>
        new(Guid.CreateVersion7(), Urn.Phone(to), text, callback, 1, reference);

    private Task<SendResult> Send(OutboundMessage message, ChannelOptions? channel = null, HttpClient? http = null) =>
        _adapter.SendAsync(message, channel ?? _esms.ChannelOptions(), http ?? _http, CancellationToken.None);

    [Fact]
    public async Task Posts_the_documented_json_every_value_a_string_and_gets_the_SMSID()
    {
        var nfd = "Thông báo: đường vào bản Nà Hẩu bị sạt lở.".Normalize(NormalizationForm.FormD);
        var message = Message(nfd);

        var sent = Assert.IsType<SendResult.Sent>(await Send(message));

        var accepted = Assert.Single(_esms.Messages);
        Assert.Equal(accepted.SmsId, sent.ProviderMessageId);
        Assert.Equal(DeliveryStatus.Sent, sent.Status);
        var request = Assert.Single(_esms.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/MainService.svc/json/SendMultipleMessage_V4_post_json/", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        var body = request.Json().EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.All(body.Values, v => Assert.Equal(JsonValueKind.String, v.ValueKind));
        Assert.Equal(new Dictionary<string, string>
        {
            ["ApiKey"] = FakeEsmsServer.DefaultApiKey,
            ["SecretKey"] = FakeEsmsServer.DefaultSecretKey,
            ["Phone"] = "84912345678",
            ["Content"] = "Thông báo: đường vào bản Nà Hẩu bị sạt lở.", // NFC
            ["Brandname"] = FakeEsmsServer.DefaultBrandname,
            ["SmsType"] = "2",
            ["IsUnicode"] = "1",
            ["RequestId"] = message.Id.ToString("N"),
            ["CallbackUrl"] = StatusUrl + "&secret=" + FakeEsmsServer.DefaultCallbackSecret,
        }, body.ToDictionary(p => p.Key, p => p.Value.GetString()!));
        Assert.False(accepted.Sandbox);
        Assert.Contains("Thông báo", request.BodyText); // plain UTF-8, not \u escapes
    }

    [Theory]
    [InlineData("Thong bao: duong vao ban Na Hau bi sat lo.", "0")]
    [InlineData("Canh bao lu: muc nuoc 3.5m {ngay 2/12}", "0")]
    [InlineData("Thông báo sạt lở", "1")]
    [InlineData("Đi", "1")]
    // GSM-7 holds à and é, but eSMS's "0" means không dấu: a Vietnamese accent still needs "1".
    [InlineData("Xin chào", "1")]
    [InlineData("Café", "1")]
    public async Task IsUnicode_follows_the_text(string text, string isUnicode)
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(text)));
        Assert.Equal(isUnicode, Assert.Single(_esms.Messages).IsUnicode);
    }

    [Theory]
    [InlineData("0912345678")]
    [InlineData("+84 91 234 5678")]
    [InlineData("84912345678")]
    public async Task The_phone_is_sent_as_84_digits(string to)
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(to: to)));
        Assert.Equal("84912345678", Assert.Single(_esms.Messages).Phone);
    }

    [Fact]
    public async Task The_client_reference_is_the_RequestId()
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(reference: "delivery-4711")));
        Assert.Equal("delivery-4711", Assert.Single(_esms.Messages).RequestId);
    }

    [Fact]
    public async Task A_reference_longer_than_50_characters_is_refused_without_calling_esms()
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(reference: new string('r', 50))));
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(reference: new string('r', 51))));
        Assert.False(failed.Retryable);
        Assert.Equal("reference-too-long", failed.Code);
        Assert.Single(_esms.Requests);
    }

    [Fact]
    public async Task A_repeated_RequestId_answered_124_counts_as_sent_and_esms_holds_one_message()
    {
        var message = Message();
        var first = Assert.IsType<SendResult.Sent>(await Send(message));
        var again = Assert.IsType<SendResult.Sent>(await Send(message with { Attempt = 2 }));

        Assert.Equal(DeliveryStatus.Sent, again.Status);
        // The docs' 124 answer names no SMSID: the RequestId, which delivery reports echo, stands in.
        Assert.Equal("request:" + message.Id.ToString("N"), again.ProviderMessageId);
        Assert.Equal(first.ProviderMessageId, Assert.Single(_esms.Messages).SmsId);
        Assert.Equal(2, _esms.Requests.Count);
    }

    [Fact]
    public async Task A_124_that_names_the_SMSID_keeps_it()
    {
        _esms.ScriptNext(1, 200, """{"CodeResult":"124","CountRegenerate":0,"ErrorMessage":"Request exist 1","SendStatus":"5","SMSID":"d533459ee42b2b9525ba9eabf6a8156"}""");
        var sent = Assert.IsType<SendResult.Sent>(await Send(Message()));
        Assert.Equal("d533459ee42b2b9525ba9eabf6a8156", sent.ProviderMessageId);
    }

    [Fact]
    public async Task The_docs_100_answer_is_parsed()
    {
        _esms.ScriptNext(1, 200, """{"CodeResult":"100","CountRegenerate":0,"SMSID":"d533459ee42b2b9525ba9eabf6a8156"}""");
        var sent = Assert.IsType<SendResult.Sent>(await Send(Message()));
        Assert.Equal(new SendResult.Sent("d533459ee42b2b9525ba9eabf6a8156", DeliveryStatus.Sent), sent);
    }

    [Fact]
    public async Task Text_matching_no_registered_template_is_146_not_retryable_and_says_why()
    {
        _esms.RejectContent(t => t.Contains("sạt lở"));
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.False(failed.Retryable);
        Assert.Equal("esms:146", failed.Code);
        Assert.Equal(FailureKind.Message, failed.Kind);
        Assert.Contains("registered", failed.Message);
        Assert.Contains(FakeEsmsServer.DefaultBrandname, failed.Message);
        Assert.Empty(_esms.Messages);
        Assert.IsType<SendResult.Sent>(await Send(Message("Thong bao hop to dan pho")));
    }

    [Fact]
    public async Task Wrong_keys_are_101_a_channel_configuration_failure_that_never_shows_the_keys()
    {
        var channel = _esms.ChannelOptions();
        channel.SecretKey = "not-the-secret-key";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));

        Assert.Equal(new SendResult.Failed(true, "esms:101", failed.Message, null, FailureKind.ChannelConfiguration), failed);
        Assert.DoesNotContain("not-the-secret-key", failed.Message);
        Assert.DoesNotContain(FakeEsmsServer.DefaultApiKey, failed.Message);
        Assert.Empty(_esms.Messages);
    }

    [Fact]
    public async Task An_unknown_brandname_is_104_a_channel_configuration_failure()
    {
        var channel = _esms.ChannelOptions();
        channel.Brandname = "KHONG_CO";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));

        Assert.True(failed.Retryable);
        Assert.Equal("esms:104", failed.Code);
        Assert.Equal(FailureKind.ChannelConfiguration, failed.Kind);
        Assert.Contains("KHONG_CO", failed.Message);
    }

    [Fact]
    public async Task The_docs_99_answer_without_a_CodeResult_is_a_permanent_failure()
    {
        _esms.ScriptNext(1, 200, """{"error":"Invalid request"}""");
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal(new SendResult.Failed(false, "esms:99", "Invalid request"), failed);
    }

    [Theory]
    [InlineData("99", "Phone is blocked")]
    [InlineData("103", "Balance not enough")]
    [InlineData("108", "Phone number is not valid")]
    [InlineData("140", "IP not in whitelist")]
    public async Task Other_codes_are_permanent_failures_carrying_esms_reason(string code, string reason)
    {
        _esms.AnswerNext(1, code, reason);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal(new SendResult.Failed(false, "esms:" + code, reason), failed);
    }

    [Fact]
    public async Task An_error_message_echoing_the_keys_is_redacted()
    {
        _esms.AnswerNext(1, "177", $"bad key {FakeEsmsServer.DefaultApiKey} / {FakeEsmsServer.DefaultSecretKey}");
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal("bad key *** / ***", failed.Message);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task Http_500s_429_and_408_are_retryable(int status)
    {
        _esms.FailNext(1, status);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.True(failed.Retryable);
        Assert.Equal($"http-{status}", failed.Code);
        Assert.Empty(_esms.Messages);
    }

    [Fact]
    public async Task A_500_is_retryable_and_the_retry_goes_through()
    {
        var message = Message();
        _esms.FailNext(1, 500);
        Assert.True(Assert.IsType<SendResult.Failed>(await Send(message)).Retryable);
        Assert.IsType<SendResult.Sent>(await Send(message with { Attempt = 2 }));
        Assert.Single(_esms.Messages);
    }

    [Fact]
    public async Task A_429_honours_Retry_After()
    {
        _esms.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(7));
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal(TimeSpan.FromSeconds(7), failed.RetryAfter);
    }

    [Fact]
    public async Task Other_http_4xx_are_not_retryable()
    {
        _esms.FailNext(1, 404);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.False(failed.Retryable);
        Assert.Equal("http-404", failed.Code);
    }

    [Theory]
    [InlineData("<html>maintenance</html>")]
    [InlineData("{}")]
    [InlineData("""{"CountRegenerate":0}""")]
    public async Task An_unreadable_answer_is_retryable_because_the_RequestId_guards_a_repeat(string body)
    {
        _esms.ScriptNext(1, 200, body);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.True(failed.Retryable);
        Assert.Equal("bad-response", failed.Code);
    }

    [Fact]
    public async Task The_sandbox_flag_is_sent_only_when_configured()
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(), _esms.ChannelOptions(sandbox: true)));
        Assert.IsType<SendResult.Sent>(await Send(Message()));

        Assert.Equal("1", _esms.Requests[0].Json().GetProperty("Sandbox").GetString());
        Assert.False(_esms.Requests[1].Json().TryGetProperty("Sandbox", out _));
        Assert.Equal([true, false], _esms.Messages.Select(m => m.Sandbox));
    }

    [Fact]
    public async Task CallbackUrl_is_left_out_without_a_status_url_or_without_a_secret()
    {
        var noSecret = _esms.ChannelOptions();
        noSecret.CallbackSecret = null;
        Assert.IsType<SendResult.Sent>(await Send(Message(callback: null)));
        Assert.IsType<SendResult.Sent>(await Send(Message(), noSecret));

        Assert.All(_esms.Requests, r => Assert.False(r.Json().TryGetProperty("CallbackUrl", out _)));
    }

    [Fact]
    public async Task A_timeout_is_retryable()
    {
        _esms.DelayNext(1, TimeSpan.FromSeconds(5));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), http: impatient));
        Assert.True(failed.Retryable);
        Assert.Equal("timeout", failed.Code);
    }

    [Fact]
    public async Task A_refused_connection_is_retryable()
    {
        var channel = _esms.ChannelOptions();
        channel.ApiBaseUrl = $"http://127.0.0.1:{ClosedPort()}";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.True(failed.Retryable);
        Assert.Equal("network", failed.Code);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_swallowed()
    {
        _esms.DelayNext(1, TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _adapter.SendAsync(Message(), _esms.ChannelOptions(), _http, cts.Token));
    }

    [Theory]
    [InlineData("zalo", "6284710593827461035")]
    [InlineData("sim", "+84912345678")] // a simulated phone's number is never texted for real
    public async Task Addresses_other_than_tel_are_unsupported(string scheme, string path)
    {
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message() with { To = new Urn(scheme, path) }));
        Assert.Equal(new SendResult.Failed(false, "unsupported-urn", failed.Message), failed);
        Assert.Empty(_esms.Requests);
    }

    [Theory]
    [InlineData("+14155550123")]
    [InlineData("not-a-number")]
    public async Task A_number_outside_Vietnam_is_unreachable_on_this_channel(string to)
    {
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(to: to)));
        Assert.False(failed.Retryable);
        Assert.Equal(FailureKind.Unreachable, failed.Kind);
        Assert.Empty(_esms.Requests);
    }

    [Theory]
    [InlineData("ApiKey")]
    [InlineData("SecretKey")]
    [InlineData("Brandname")]
    public async Task Missing_configuration_parks_the_channel_without_calling_esms(string missing)
    {
        var channel = _esms.ChannelOptions();
        if (missing == "ApiKey") channel.ApiKey = null;
        if (missing == "SecretKey") channel.SecretKey = "";
        if (missing == "Brandname") channel.Brandname = null;
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.Equal("config", failed.Code);
        Assert.Equal(FailureKind.ChannelConfiguration, failed.Kind);
        Assert.Empty(_esms.Requests);
    }

    [Fact]
    public async Task Default_base_url_is_esms_rest_host()
    {
        // No request leaves the test: a handler records the URL the adapter built.
        var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var channel = _esms.ChannelOptions();
        channel.ApiBaseUrl = null;
        await Send(Message(), channel, http);
        Assert.Equal("https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/", handler.Url);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Url { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Url = request.RequestUri!.ToString();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"CodeResult":"100","SMSID":"x"}""") });
        }
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
