using System.Text;
using System.Text.Json;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Zalo;
using Gateway.Channels.Zns;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zns;

/// <summary>ZNS sends through a real HTTP round trip to <see cref="FakeZnsServer"/>.</summary>
public sealed class ZnsSenderTests : IAsyncLifetime
{
    private FakeZnsServer _zns = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ZnsAdapter _adapter = new();

    public async Task InitializeAsync() => _zns = await FakeZnsServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _zns.DisposeAsync();
    }

    private static OutboundMessage Message(string phone = "+84912345678", string? reference = "canhbao-000123", OutboundTemplate? template = null) =>
        new(Guid.CreateVersion7(), Urn.Phone(phone), "", null, 1, reference,
            template ?? new OutboundTemplate("256789", new Dictionary<string, string> { ["ho_ten"] = "Nguyễn Văn An" }));

    private Task<SendResult> Send(OutboundMessage message, ChannelOptions? channel = null, HttpClient? http = null) =>
        _adapter.SendAsync(message, channel ?? _zns.ChannelOptions(), http ?? _http, CancellationToken.None);

    [Fact]
    public async Task Body_is_byte_identical_to_the_sample_request()
    {
        var sample = ConformanceVectors.Exchange("zalo", "zns_send_request");
        var expected = sample.GetProperty("raw_body").GetString()!;
        var root = JsonDocument.Parse(expected).RootElement;
        var data = root.GetProperty("template_data").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

        await Send(Message("+" + root.GetProperty("phone").GetString(), root.GetProperty("tracking_id").GetString(),
            new OutboundTemplate(root.GetProperty("template_id").GetString()!, data)));

        var request = Assert.Single(_zns.Requests);
        Assert.Equal(expected, request.BodyText);
        Assert.Equal("POST", request.Method);
        Assert.Equal(new Uri(sample.GetProperty("url").GetString()!).AbsolutePath, request.Path);
        Assert.Equal(FakeZaloServer.DefaultAccessToken, request.Header("access_token"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task Sends_the_template_to_the_84_phone_with_the_reference_as_tracking_id()
    {
        var message = Message(template: new OutboundTemplate("301122", new Dictionary<string, string>
        {
            ["ho_ten"] = "Nguyễn Văn An".Normalize(NormalizationForm.FormD),
            ["thoi_gian"] = "07:30 21/06/2026",
        }));

        var sent = Assert.IsType<SendResult.Sent>(await Send(message));

        var accepted = Assert.Single(_zns.Messages);
        Assert.Equal(new SendResult.Sent(accepted.MsgId, DeliveryStatus.Sent, 499), sent);
        Assert.Equal("84912345678", accepted.Phone);
        Assert.Equal("301122", accepted.TemplateId);
        Assert.Equal("canhbao-000123", accepted.TrackingId);
        Assert.Equal(new Dictionary<string, string> { ["ho_ten"] = "Nguyễn Văn An", ["thoi_gian"] = "07:30 21/06/2026" }, accepted.TemplateData);
        Assert.False(accepted.Development);
        Assert.DoesNotContain("\"mode\"", Assert.Single(_zns.Requests).BodyText);
    }

    [Fact]
    public async Task Without_a_reference_the_tracking_id_is_the_message_id()
    {
        var message = Message(reference: null);
        await Send(message);
        Assert.Equal(message.Id.ToString("N"), Assert.Single(_zns.Messages).TrackingId);
    }

    [Theory]
    [InlineData("+84912345678")]
    [InlineData("0912345678")]
    [InlineData("84912345678")]
    [InlineData("+84 912 345 678")]
    public async Task Phones_go_out_as_84_and_the_national_number(string phone)
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(phone)));
        Assert.Equal("84912345678", Assert.Single(_zns.Messages).Phone);
    }

    [Fact]
    public async Task Development_mode_is_sent_when_the_channel_asks_for_it()
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(), _zns.ChannelOptions(development: true)));
        Assert.True(Assert.Single(_zns.Messages).Development);
        Assert.Equal("development", Assert.Single(_zns.Requests).Json().GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Parses_the_sample_success_envelope_with_its_remaining_quota()
    {
        _zns.ScriptNext(1, 200, ConformanceVectors.Exchange("zalo", "zns_send_success_response").GetProperty("body").GetRawText());
        Assert.Equal(new SendResult.Sent("a1b2c3d4e5f6a7b8c9d0", DeliveryStatus.Sent, 499), await Send(Message()));
    }

    [Fact]
    public async Task Parses_the_sample_error_envelope_as_unreachable()
    {
        _zns.ScriptNext(1, 200, ConformanceVectors.Exchange("zalo", "zns_send_error_response").GetProperty("body").GetRawText());
        Assert.Equal(new SendResult.Failed(false, "zns:-118", "Zalo account not existed", Kind: FailureKind.Unreachable), await Send(Message()));
    }

    [Fact]
    public async Task The_daily_quota_counts_down_and_a_spent_quota_is_quota_spent()
    {
        _zns.RemainingQuota = 2;

        Assert.Equal(1, Assert.IsType<SendResult.Sent>(await Send(Message())).RemainingQuota);
        Assert.Equal(0, Assert.IsType<SendResult.Sent>(await Send(Message())).RemainingQuota);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(("zns:-144", false, FailureKind.QuotaSpent), (failed.Code, failed.Retryable, failed.Kind));
        Assert.Equal(2, _zns.Messages.Count);
    }

    [Fact]
    public async Task A_phone_without_a_zalo_account_is_unreachable()
    {
        _zns.WithoutZaloAccount("0987654321");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message("+84987654321")));

        Assert.Equal(("zns:-118", false, FailureKind.Unreachable), (failed.Code, failed.Retryable, failed.Kind));
        Assert.IsType<SendResult.Sent>(await Send(Message("+84912345678")));
    }

    [Fact]
    public async Task A_refused_token_is_a_retryable_token_failure_until_replaced()
    {
        var channel = _zns.ChannelOptions().WithAccessToken("stale");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.Equal(("token:-124", true, FailureKind.TokenRejected), (failed.Code, failed.Retryable, failed.Kind));
        Assert.True(ZaloErrors.IsTokenError(failed.Code));

        Assert.IsType<SendResult.Sent>(await Send(Message(), channel.WithAccessToken(_zns.AccessToken)));
    }

    public static TheoryData<int, bool, string, FailureKind> Errors => new()
    {
        { -118, false, "zns:-118", FailureKind.Unreachable },
        { -108, false, "zns:-108", FailureKind.Unreachable },
        { -110, false, "zns:-110", FailureKind.Unreachable },
        { -124, true, "token:-124", FailureKind.TokenRejected },
        { -216, true, "token:-216", FailureKind.TokenRejected },
        { -220, true, "token:-220", FailureKind.TokenRejected },
        { -144, false, "zns:-144", FailureKind.QuotaSpent },
        { -115, false, "zns:-115", FailureKind.QuotaSpent },
        { -100, true, "zns:-100", FailureKind.Message },
        { -32, true, "zns:-32", FailureKind.Message },
        { -101, true, "zns:-101", FailureKind.ChannelConfiguration },
        { -102, true, "zns:-102", FailureKind.ChannelConfiguration },
        { -103, true, "zns:-103", FailureKind.ChannelConfiguration },
        { -104, true, "zns:-104", FailureKind.ChannelConfiguration },
        { -105, true, "zns:-105", FailureKind.ChannelConfiguration },
        { -109, false, "zns:-109", FailureKind.Message },
        { -111, false, "zns:-111", FailureKind.Message },
        { -999, false, "zns:-999", FailureKind.Message },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Error_envelopes_map_to_code_retryability_and_reach(int error, bool retryable, string code, FailureKind kind)
    {
        _zns.FailNext(1, error, "scripted");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(new SendResult.Failed(retryable, code, "scripted", null, kind), failed);
        Assert.Empty(_zns.Messages);
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(408, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public async Task Bare_http_errors_are_retryable_only_when_transient(int status, bool retryable)
    {
        _zns.FailNextHttp(1, status, retryAfter: TimeSpan.FromSeconds(4));

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal($"http-{status}", failed.Code);
        Assert.Equal(retryable ? TimeSpan.FromSeconds(4) : null, failed.RetryAfter);
    }

    [Fact]
    public async Task A_timeout_is_retryable()
    {
        _zns.DelayNext(1, TimeSpan.FromSeconds(5));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), http: impatient));

        Assert.Equal(("timeout", true), (failed.Code, failed.Retryable));
    }

    [Fact]
    public async Task An_unreachable_host_is_retryable()
    {
        var channel = _zns.ChannelOptions();
        channel.ApiBaseUrl = "http://127.0.0.1:1";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.Equal(("network", true), (failed.Code, failed.Retryable));
    }

    [Theory]
    [InlineData("""{"error":0,"message":"Success","data":{"quota":{"remainingQuota":"3"}}}""")]
    [InlineData("""{"message":"Success"}""")]
    [InlineData("<html>")]
    public async Task An_unreadable_success_is_not_retried_to_avoid_double_sending(string body)
    {
        _zns.ScriptNext(1, 200, body);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal(("bad-response", false), (failed.Code, failed.Retryable));
    }

    [Fact]
    public async Task A_success_without_quota_has_no_remaining_quota()
    {
        _zns.ScriptNext(1, 200, """{"error":0,"message":"Success","data":{"msg_id":"m1","sent_time":"1782027001234"}}""");
        Assert.Equal(new SendResult.Sent("m1", DeliveryStatus.Sent, null), await Send(Message()));
    }

    [Fact]
    public async Task A_message_without_a_template_is_unreachable_without_a_call()
    {
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message() with { Template = null }));
        Assert.Equal(("zns:no-template", false, FailureKind.Unreachable), (failed.Code, failed.Retryable, failed.Kind));
        Assert.Empty(_zns.Requests);
    }

    [Fact]
    public async Task A_missing_access_token_is_a_token_failure_without_a_call()
    {
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), _zns.ChannelOptions().WithAccessToken(null)));
        Assert.Equal(("token:missing", true, FailureKind.TokenRejected), (failed.Code, failed.Retryable, failed.Kind));
        Assert.Empty(_zns.Requests);
    }

    [Theory]
    [InlineData("zalo", "6284710593827461035", "unsupported-urn")]
    [InlineData("sim", "+84912345678", "unsupported-urn")] // a simulated phone is never a ZNS recipient
    [InlineData("tel", "+14155550100", "bad-phone")]
    [InlineData("tel", "not-a-phone", "bad-phone")]
    public async Task Addresses_zns_cannot_reach_fail_without_a_call(string scheme, string path, string code)
    {
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message() with { To = new Urn(scheme, path) }));
        Assert.Equal((code, false, FailureKind.Unreachable), (failed.Code, failed.Retryable, failed.Kind));
        Assert.Empty(_zns.Requests);
    }

    [Fact]
    public void Direct_webhooks_are_refused_and_point_at_the_oa_channel()
    {
        var webhook = ZaloWebhooks.ZnsUserReceivedMessage(_zns.AppId, _zns.OaSecretKey, _zns.OaId, "6284710593827461035", "m1", "t1");
        var rejected = Assert.IsType<InboundResult.Rejected>(
            _adapter.Handle(WebhookKind.Status, webhook.ToInboundRequest("https://gateway.example.vn/webhooks/zns"), _zns.ChannelOptions(zaloOa: "zalo-xa")));
        Assert.Equal(404, rejected.StatusCode);
        Assert.Contains("zalo-xa", rejected.Error);
    }
}
