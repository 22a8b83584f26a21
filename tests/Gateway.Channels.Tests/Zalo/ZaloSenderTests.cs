using System.Text;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Zalo;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zalo;

/// <summary>Sending through a real HTTP round trip to <see cref="FakeZaloServer"/>.</summary>
public sealed class ZaloSenderTests : IAsyncLifetime
{
    private const string UserId = "6284710593827461035";
    private FakeZaloServer _zalo = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ZaloAdapter _adapter = new();

    public async Task InitializeAsync() => _zalo = await FakeZaloServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _zalo.DisposeAsync();
    }

    private static OutboundMessage Message(string text = "Đã tiếp nhận tin báo.", string userId = UserId) =>
        new(Guid.CreateVersion7(), Urn.ZaloUser(userId), text, null, 1);

    private Task<SendResult> Send(OutboundMessage message, ChannelOptions? channel = null, HttpClient? http = null) =>
        _adapter.SendAsync(message, channel ?? _zalo.ChannelOptions(), http ?? _http, CancellationToken.None);

    [Fact]
    public async Task Posts_a_consultation_text_with_the_access_token_header()
    {
        var sent = Assert.IsType<SendResult.Sent>(await Send(Message("Đã tiếp nhận tin báo.".Normalize(NormalizationForm.FormD))));

        var message = Assert.Single(_zalo.Messages);
        Assert.Equal(message.MessageId, sent.ProviderMessageId);
        Assert.Equal(DeliveryStatus.Sent, sent.Status);
        Assert.Equal(UserId, message.UserId);
        Assert.Equal("Đã tiếp nhận tin báo.", message.Text); // NFC on the wire

        var request = Assert.Single(_zalo.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3.0/oa/message/cs", request.Path);
        Assert.Equal(FakeZaloServer.DefaultAccessToken, request.Header("access_token"));
        Assert.StartsWith("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task Body_is_byte_identical_to_the_sample_request()
    {
        var expected = ConformanceVectors.Exchange("zalo", "oa_send_cs_text_request").GetProperty("raw_body").GetString()!;
        using var doc = System.Text.Json.JsonDocument.Parse(expected);

        await Send(Message(doc.RootElement.GetProperty("message").GetProperty("text").GetString()!,
            doc.RootElement.GetProperty("recipient").GetProperty("user_id").GetString()!));

        Assert.Equal(expected, Assert.Single(_zalo.Requests).BodyText);
    }

    [Fact]
    public async Task Parses_the_sample_success_envelope()
    {
        _zalo.ScriptNext(1, 200, ConformanceVectors.Exchange("zalo", "oa_send_success_response").GetProperty("body").GetRawText());
        Assert.Equal(new SendResult.Sent("9f2b7a4c1e8d6b3a5c0e", DeliveryStatus.Sent), await Send(Message()));
    }

    public static TheoryData<int> SampleErrors
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var e in ConformanceVectors.Exchange("zalo", "oa_send_error_responses").GetProperty("examples").EnumerateArray())
                data.Add(e.GetProperty("error").GetInt32());
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(SampleErrors))]
    public async Task Sample_error_envelopes_map_to_failures(int error)
    {
        var example = ConformanceVectors.Exchange("zalo", "oa_send_error_responses").GetProperty("examples").EnumerateArray()
            .Single(e => e.GetProperty("error").GetInt32() == error);
        _zalo.ScriptNext(1, 200, example.GetRawText());

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(example.GetProperty("message").GetString(), failed.Message);
        var (retryable, code) = error switch
        {
            -216 => (true, "token:-216"),
            -32 => (true, "-32"),
            _ => (false, error.ToString()),
        };
        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal(code, failed.Code);
    }

    [Fact]
    public async Task Sample_zns_error_envelope_is_permanent()
    {
        _zalo.ScriptNext(1, 200, ConformanceVectors.Exchange("zalo", "zns_send_error_response").GetProperty("body").GetRawText());
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.False(failed.Retryable);
        Assert.Equal("-118", failed.Code);
    }

    [Theory]
    [InlineData(-216, true, "token:-216")]
    [InlineData(-220, true, "token:-220")]
    [InlineData(-124, true, "token:-124")]
    [InlineData(-32, true, "-32")]
    [InlineData(-100, true, "-100")]
    [InlineData(-201, false, "-201")]
    [InlineData(-211, false, "-211")]
    [InlineData(-213, false, "-213")]
    [InlineData(-230, false, "-230")]
    [InlineData(-232, false, "-232")]
    [InlineData(-233, false, "-233")]
    [InlineData(-234, false, "-234")]
    [InlineData(-320, false, "-320")]
    [InlineData(-999, false, "-999")]
    public async Task Error_codes_map_to_retryable_or_permanent(int error, bool retryable, string code)
    {
        _zalo.FailNext(1, error, "scripted");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal(code, failed.Code);
        Assert.Equal(code.StartsWith("token"), ZaloErrors.IsTokenError(failed.Code));
        Assert.Empty(_zalo.Messages);
    }

    [Theory]
    [InlineData(-216, true, FailureKind.TokenRejected)]
    [InlineData(-220, true, FailureKind.TokenRejected)]
    [InlineData(-124, true, FailureKind.TokenRejected)]
    [InlineData(-213, false, FailureKind.Unreachable)]
    [InlineData(-217, false, FailureKind.Unreachable)]
    [InlineData(-218, false, FailureKind.Unreachable)]
    [InlineData(-227, false, FailureKind.Unreachable)]
    [InlineData(-230, false, FailureKind.Unreachable)]
    [InlineData(-232, false, FailureKind.Unreachable)]
    [InlineData(-244, false, FailureKind.Unreachable)]
    // Configuration errors are retryable: the gateway parks the channel and the message waits for the fix.
    [InlineData(-204, true, FailureKind.ChannelConfiguration)]
    [InlineData(-205, true, FailureKind.ChannelConfiguration)]
    [InlineData(-209, true, FailureKind.ChannelConfiguration)]
    [InlineData(-212, true, FailureKind.ChannelConfiguration)]
    [InlineData(-219, true, FailureKind.ChannelConfiguration)]
    [InlineData(-221, true, FailureKind.ChannelConfiguration)]
    [InlineData(-224, true, FailureKind.ChannelConfiguration)]
    [InlineData(-32, true, FailureKind.Message)]
    [InlineData(-100, true, FailureKind.Message)]
    [InlineData(-201, false, FailureKind.Message)]
    [InlineData(-233, false, FailureKind.Message)]
    [InlineData(-999, false, FailureKind.Message)]
    public async Task Error_codes_say_how_far_the_failure_reaches(int error, bool retryable, FailureKind kind)
    {
        _zalo.FailNext(1, error, "scripted");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal((retryable, kind), (failed.Retryable, failed.Kind));
    }

    [Fact]
    public async Task A_stale_access_token_is_a_retryable_token_failure_until_refreshed()
    {
        var channel = _zalo.ChannelOptions();
        _zalo.AccessToken = "rotated";

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.True(failed.Retryable);
        Assert.True(ZaloErrors.IsTokenError(failed.Code));

        channel.AccessToken = "rotated";
        Assert.IsType<SendResult.Sent>(await Send(Message(), channel));
    }

    [Fact]
    public async Task A_missing_access_token_is_a_token_failure_without_a_call()
    {
        var channel = _zalo.ChannelOptions();
        channel.AccessToken = null;
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.True(ZaloErrors.IsTokenError(failed.Code));
        Assert.Equal(FailureKind.TokenRejected, failed.Kind);
        Assert.Empty(_zalo.Requests);
    }

    [Theory]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    public async Task Bare_http_errors_are_retryable_only_when_transient(int status, bool retryable)
    {
        _zalo.FailNextHttp(1, status, retryAfter: TimeSpan.FromSeconds(3));
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal($"http-{status}", failed.Code);
        Assert.Equal(retryable ? TimeSpan.FromSeconds(3) : null, failed.RetryAfter);
    }

    [Fact]
    public async Task A_timeout_is_retryable()
    {
        _zalo.DelayNext(1, TimeSpan.FromSeconds(5));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), http: impatient));
        Assert.True(failed.Retryable);
        Assert.Equal("timeout", failed.Code);
    }

    [Theory]
    [InlineData("""{"error":0,"message":"Success","data":{}}""")]
    [InlineData("""{"message":"Success"}""")]
    [InlineData("<html>")]
    public async Task An_unreadable_success_is_not_retried_to_avoid_double_sending(string body)
    {
        _zalo.ScriptNext(1, 200, body);
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.False(failed.Retryable);
        Assert.Equal("bad-response", failed.Code);
    }

    [Fact]
    public async Task Refuses_a_tel_urn_and_an_overlong_text_without_calling_zalo()
    {
        var tel = Message() with { To = Urn.Phone("+84912345678") };
        Assert.False(Assert.IsType<SendResult.Failed>(await Send(tel)).Retryable);
        Assert.False(Assert.IsType<SendResult.Failed>(await Send(Message(new string('a', 2001)))).Retryable);
        Assert.Empty(_zalo.Requests);
    }
}
