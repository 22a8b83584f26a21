using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Twilio;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Twilio;

/// <summary>Sending through a real HTTP round trip to <see cref="FakeTwilioServer"/>.</summary>
public sealed class TwilioSenderTests : IAsyncLifetime
{
    private FakeTwilioServer _twilio = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TwilioAdapter _adapter = new();

    public async Task InitializeAsync() => _twilio = await FakeTwilioServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _twilio.DisposeAsync();
    }

    private static OutboundMessage Message(string text = "Đã nhận tin báo sạt lở.", string to = "+84987654321", string? callback = null) =>
        new(Guid.CreateVersion7(), Urn.Phone(to), text, callback, 1);

    private Task<SendResult> Send(OutboundMessage message, ChannelOptions? channel = null, HttpClient? http = null) =>
        _adapter.SendAsync(message, channel ?? _twilio.ChannelOptions(), http ?? _http, CancellationToken.None);

    [Fact]
    public async Task Posts_the_message_form_with_basic_auth_and_gets_a_queued_sid()
    {
        var nfd = "Đã nhận tin báo sạt lở.".Normalize(NormalizationForm.FormD);
        var result = await Send(Message(nfd, callback: "https://sms-gw.example.vn/webhooks/twilio/status"));

        var sent = Assert.IsType<SendResult.Sent>(result);
        Assert.Matches("^SM[0-9a-f]{32}$", sent.ProviderMessageId);
        Assert.Equal(DeliveryStatus.Queued, sent.Status);

        var request = Assert.Single(_twilio.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{_twilio.AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_twilio.AccountSid}:{_twilio.AuthToken}")), request.Header("Authorization"));
        Assert.Contains("application/json", request.Header("Accept"));
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal("+84987654321", request.FormValue("To"));
        Assert.Equal("CUUHO", request.FormValue("From"));
        Assert.Null(request.FormValue("MessagingServiceSid"));
        Assert.Equal("Đã nhận tin báo sạt lở.", request.FormValue("Body")); // sent as NFC
        Assert.Equal("https://sms-gw.example.vn/webhooks/twilio/status", request.FormValue("StatusCallback"));
        Assert.Equal(sent.ProviderMessageId, Assert.Single(_twilio.Messages).Sid);
    }

    [Fact]
    public async Task Matches_the_sample_send_request_for_a_messaging_service()
    {
        var sample = ConformanceVectors.Exchange("twilio", "send_message_request");
        var p = sample.GetProperty("params");
        var channel = _twilio.ChannelOptions(from: null, messagingServiceSid: p.GetProperty("MessagingServiceSid").GetString());

        var result = await Send(Message(p.GetProperty("Body").GetString()!, p.GetProperty("To").GetString()!, p.GetProperty("StatusCallback").GetString()), channel);

        Assert.IsType<SendResult.Sent>(result);
        var request = Assert.Single(_twilio.Requests);
        // The fake uses the sample's fake credentials, so the header must be byte-identical.
        Assert.Equal(sample.GetProperty("headers").GetProperty("Authorization").GetString(), request.Header("Authorization"));
        Assert.Equal(new Uri(sample.GetProperty("url").GetString()!).AbsolutePath, request.Path);
        foreach (var name in new[] { "To", "MessagingServiceSid", "Body", "StatusCallback" })
            Assert.Equal(p.GetProperty(name).GetString(), request.FormValue(name));
        Assert.Null(request.FormValue("From"));
    }

    [Fact]
    public async Task Leaves_out_StatusCallback_when_there_is_none()
    {
        Assert.IsType<SendResult.Sent>(await Send(Message(callback: null)));
        Assert.DoesNotContain(Assert.Single(_twilio.Requests).Form, p => p.Key == "StatusCallback");
    }

    [Fact]
    public async Task Parses_the_sample_201_body()
    {
        var sample = ConformanceVectors.Exchange("twilio", "send_message_response_201");
        _twilio.ScriptNext(1, 201, sample.GetProperty("body").GetRawText());

        var sent = Assert.IsType<SendResult.Sent>(await Send(Message()));

        Assert.Equal("SMc3e5a7b9d1f3a5c7e9b1d3f5a7c9e1b3", sent.ProviderMessageId);
        Assert.Equal(DeliveryStatus.Queued, sent.Status); // "accepted" with a Messaging Service
    }

    [Fact]
    public async Task Sample_21211_invalid_number_is_not_retryable()
    {
        var sample = ConformanceVectors.Exchange("twilio", "error_response_400_21211");
        _twilio.ScriptNext(1, sample.GetProperty("status").GetInt32(), sample.GetProperty("body").GetRawText());

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.False(failed.Retryable);
        Assert.Equal("21211", failed.Code);
        Assert.Equal("Invalid 'To' Phone Number: +8409876XXXX", failed.Message);
        Assert.Null(failed.RetryAfter);
    }

    [Fact]
    public async Task Sample_20429_too_many_requests_is_retryable_and_honours_Retry_After()
    {
        var sample = ConformanceVectors.Exchange("twilio", "error_response_429_20429");
        _twilio.ScriptNext(1, 429, sample.GetProperty("body").GetRawText(), retryAfter: TimeSpan.FromSeconds(7));

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.True(failed.Retryable);
        Assert.Equal("20429", failed.Code);
        Assert.Equal(TimeSpan.FromSeconds(7), failed.RetryAfter);
    }

    [Theory]
    [InlineData(400, 21211, false)]
    [InlineData(400, 21614, false)]
    [InlineData(400, 21610, false)]
    [InlineData(400, 21408, false)]
    [InlineData(400, 21606, false)]
    [InlineData(400, 21608, false)]
    [InlineData(400, 21612, false)]
    [InlineData(400, 21617, false)]
    [InlineData(400, 21635, false)]
    [InlineData(400, 35118, false)]
    [InlineData(429, 20429, true)]
    [InlineData(400, 21611, true)]
    [InlineData(500, 20500, true)]
    [InlineData(503, 20503, true)]
    [InlineData(400, 99999, false)]
    public async Task Error_table_decides_retryable_and_the_code_is_twilios(int status, int code, bool retryable)
    {
        _twilio.FailNextWithError(1, status, code, "scripted");

        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));

        Assert.Equal(retryable, failed.Retryable);
        Assert.Equal(code.ToString(), failed.Code);
        Assert.Equal(retryable, TwilioErrors.IsRetryable(status, code));
    }

    [Fact]
    public async Task A_bare_5xx_without_twilio_json_is_retryable_by_its_status()
    {
        _twilio.FailNext(1, 502, body: "<html>Bad gateway</html>");
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message()));
        Assert.True(failed.Retryable);
        Assert.Equal("http-502", failed.Code);
    }

    [Fact]
    public async Task Scripted_failures_are_used_up_then_sending_works_again()
    {
        _twilio.FailNext(2, 500);
        Assert.True(Assert.IsType<SendResult.Failed>(await Send(Message())).Retryable);
        Assert.True(Assert.IsType<SendResult.Failed>(await Send(Message())).Retryable);
        Assert.IsType<SendResult.Sent>(await Send(Message()));
        Assert.Equal(3, _twilio.Requests.Count);
        Assert.Single(_twilio.Messages);
    }

    [Fact]
    public async Task Wrong_credentials_get_401_20003_which_is_not_retryable()
    {
        var channel = _twilio.ChannelOptions();
        channel.AuthToken = "wrong";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.False(failed.Retryable);
        Assert.Equal("20003", failed.Code);
        Assert.Empty(_twilio.Messages);
    }

    [Fact]
    public async Task A_timeout_is_retryable()
    {
        _twilio.DelayNext(1, TimeSpan.FromSeconds(5));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), http: impatient));
        Assert.True(failed.Retryable);
        Assert.Equal("timeout", failed.Code);
    }

    [Fact]
    public async Task A_refused_connection_is_retryable()
    {
        var channel = _twilio.ChannelOptions();
        channel.ApiBaseUrl = $"http://127.0.0.1:{ClosedPort()}";
        var failed = Assert.IsType<SendResult.Failed>(await Send(Message(), channel));
        Assert.True(failed.Retryable);
        Assert.Equal("network", failed.Code);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_swallowed()
    {
        _twilio.DelayNext(1, TimeSpan.FromSeconds(5));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _adapter.SendAsync(Message(), _twilio.ChannelOptions(), _http, cts.Token));
    }

    [Theory]
    [InlineData("zalo")]
    [InlineData("sim")] // a simulated phone's number is never texted for real
    [InlineData("config")]
    [InlineData("no-sender")]
    public async Task Refuses_what_it_cannot_send_without_calling_twilio(string problem)
    {
        var channel = _twilio.ChannelOptions();
        var message = Message();
        if (problem == "zalo") message = message with { To = Urn.ZaloUser("6284710593827461035") };
        if (problem == "sim") message = message with { To = Urn.Simulated("+84912345678") };
        if (problem == "config") channel.AccountSid = null;
        if (problem == "no-sender") channel.From = null;

        var failed = Assert.IsType<SendResult.Failed>(await Send(message, channel));

        Assert.False(failed.Retryable);
        if (problem is "zalo" or "sim") Assert.Equal("unsupported-urn", failed.Code);
        Assert.Empty(_twilio.Requests);
    }

    [Fact]
    public async Task Fake_validates_required_fields_like_twilio()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_twilio.Url}/2010-04-01/Accounts/{_twilio.AccountSid}/Messages.json")
        {
            Content = new FormUrlEncodedContent([new("From", "CUUHO"), new("Body", "x")]),
        };
        request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_twilio.AccountSid}:{_twilio.AuthToken}")));
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(21604, json.RootElement.GetProperty("code").GetInt32());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
