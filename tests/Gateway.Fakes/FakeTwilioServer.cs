using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Channels;
using Gateway.Channels.Text;
using Gateway.Channels.Twilio;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>A message the fake accepted.</summary>
public sealed record FakeTwilioMessage(string Sid, string To, string? From, string? MessagingServiceSid, string Body, string? StatusCallback);

/// <summary>
/// Twilio's Messages API on 127.0.0.1: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c> with Basic auth,
/// answering 201 and a Message resource (status <c>queued</c>). It records every request, can be scripted to
/// fail, and can post signed status callbacks the way Twilio does.
/// </summary>
public sealed class FakeTwilioServer : IAsyncDisposable
{
    public const string DefaultAccountSid = "ACe1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6";
    public const string DefaultAuthToken = "f3b1c9e2d8a74b6c95e0a1d2c3b4e5f6";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, FakeTwilioMessage> _messages = new();
    private readonly ConcurrentQueue<FakeTwilioMessage> _messageOrder = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _createdAt = new();
    private readonly ResponseScript _script = new();
    private readonly HttpClient _callbacks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FakeServerHost? _host;

    private FakeTwilioServer(string accountSid, string authToken)
    {
        AccountSid = accountSid;
        AuthToken = authToken;
    }

    public string AccountSid { get; }
    public string AuthToken { get; }

    /// <summary>Base URL to use as <see cref="ChannelOptions.ApiBaseUrl"/>, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    /// <summary>
    /// Every accepted send is answered this late, after it is recorded: Twilio has the message while the client still
    /// waits (a client killed meanwhile never learns its sid). Zero (the default) answers at once.
    /// </summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>Every request received, in arrival order (including refused ones).</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Messages accepted with 201, in order.</summary>
    public IReadOnlyList<FakeTwilioMessage> Messages => [.. _messageOrder];

    public static async Task<FakeTwilioServer> StartAsync(string accountSid = DefaultAccountSid, string authToken = DefaultAuthToken)
    {
        var server = new FakeTwilioServer(accountSid, authToken);
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>Channel options pointing at this fake (Type <c>twilio</c>).</summary>
    public ChannelOptions ChannelOptions(string key = "twilio", string? from = "CUUHO", string? messagingServiceSid = null) => new()
    {
        Key = key,
        Type = TwilioAdapter.ChannelType,
        ApiBaseUrl = Url,
        AccountSid = AccountSid,
        AuthToken = AuthToken,
        From = from,
        MessagingServiceSid = messagingServiceSid,
    };

    /// <summary>The next <paramref name="count"/> authenticated sends get exactly this answer (e.g. a captured 201 body).</summary>
    public void ScriptNext(int count, int statusCode, string body, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next <paramref name="count"/> authenticated sends get this status and body (default: a Twilio error JSON).</summary>
    public void FailNext(int count, int statusCode, string? body = null, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body ?? ErrorJson(statusCode, statusCode == 429 ? 20429 : 20500,
            statusCode == 429 ? "Too Many Requests" : "Internal Server Error"), retryAfter));

    /// <summary>The next sends fail with Twilio error <paramref name="code"/>, e.g. (400, 21211) or (429, 20429).</summary>
    public void FailNextWithError(int count, int httpStatus, int code, string message, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(httpStatus, ErrorJson(httpStatus, code, message), retryAfter));

    /// <summary>The next sends succeed, but only after <paramref name="delay"/> (to make a client time out).</summary>
    public void DelayNext(int count, TimeSpan delay) => _script.Enqueue(count, new ScriptedResponse(null, Delay: delay));

    /// <summary>
    /// Posts a status callback for <paramref name="messageSid"/> to <paramref name="callbackUrl"/>, signed with
    /// <paramref name="authToken"/> exactly as Twilio signs it. Returns the HTTP status the receiver answered.
    /// </summary>
    public Task<HttpStatusCode> PostStatusCallbackAsync(string callbackUrl, string authToken, string messageSid, string status) =>
        PostStatusCallbackAsync(callbackUrl, authToken, messageSid, status, errorCode: null);

    /// <inheritdoc cref="PostStatusCallbackAsync(string, string, string, string)"/>
    /// <param name="errorCode">Sent as <c>ErrorCode</c>, e.g. 30003 with <c>undelivered</c>.</param>
    public async Task<HttpStatusCode> PostStatusCallbackAsync(string callbackUrl, string authToken, string messageSid, string status, int? errorCode)
    {
        _messages.TryGetValue(messageSid, out var sent);
        var form = new List<KeyValuePair<string, string>>();
        if (errorCode is int code) form.Add(new("ErrorCode", code.ToString(CultureInfo.InvariantCulture)));
        form.Add(new("SmsSid", messageSid));
        form.Add(new("SmsStatus", status));
        form.Add(new("MessageStatus", status));
        if (sent is not null) form.Add(new("To", sent.To));
        if (sent?.MessagingServiceSid is { } mg) form.Add(new("MessagingServiceSid", mg));
        form.Add(new("MessageSid", messageSid));
        form.Add(new("AccountSid", AccountSid));
        if (sent?.From is { } from) form.Add(new("From", from));
        form.Add(new("ApiVersion", "2010-04-01"));

        using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl)
        {
            Content = new StringContent(FormUrlEncoding.Encode(form), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation(TwilioSignature.Header, TwilioSignature.Compute(authToken, callbackUrl, form));
        request.Headers.TryAddWithoutValidation("I-Twilio-Idempotency-Token", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
        using var response = await _callbacks.SendAsync(request);
        return response.StatusCode;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        _requests.Enqueue(recorded);

        var expectedPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
        if (recorded.Path == expectedPath && HttpMethods.IsGet(recorded.Method))
        {
            if (!AuthorizationIsValid(recorded.Header("Authorization"))) { await WriteJson(context, 401, ErrorJson(401, 20003, "Authenticate")); return; }
            // The script answers lookups too: FailNext before a lookup makes Twilio unavailable for it.
            if (_script.TryNext(out var failure) && failure.StatusCode is int failed) { await WriteJson(context, failed, failure.Body); return; }
            await WriteJson(context, 200, ListJson(context.Request.Query["To"].ToString(), int.TryParse(context.Request.Query["PageSize"], out var size) ? size : 50));
            return;
        }
        if (recorded.Path != expectedPath || !HttpMethods.IsPost(recorded.Method))
        {
            await WriteJson(context, 404, ErrorJson(404, 20404, $"The requested resource {recorded.Path} was not found"));
            return;
        }
        if (!AuthorizationIsValid(recorded.Header("Authorization")))
        {
            await WriteJson(context, 401, ErrorJson(401, 20003, "Authenticate"));
            return;
        }
        if (_script.TryNext(out var scripted))
        {
            if (scripted.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (scripted.StatusCode is int status)
            {
                if (scripted.RetryAfter is { } wait)
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await WriteJson(context, status, scripted.Body);
                return;
            }
        }

        var to = recorded.FormValue("To");
        var from = recorded.FormValue("From");
        var service = recorded.FormValue("MessagingServiceSid");
        var body = recorded.FormValue("Body");
        if (string.IsNullOrEmpty(to)) { await WriteJson(context, 400, ErrorJson(400, 21604, "A 'To' phone number is required.")); return; }
        if (string.IsNullOrEmpty(from) && string.IsNullOrEmpty(service)) { await WriteJson(context, 400, ErrorJson(400, 21603, "A 'From' phone number is required.")); return; }
        if (string.IsNullOrEmpty(body) && recorded.FormValue("MediaUrl") is null) { await WriteJson(context, 400, ErrorJson(400, 21602, "Message body is required.")); return; }

        var message = new FakeTwilioMessage("SM" + RandomNumberGenerator.GetHexString(32, lowercase: true), to, from, service, body ?? "", recorded.FormValue("StatusCallback"));
        _messages[message.Sid] = message;
        _createdAt[message.Sid] = DateTimeOffset.UtcNow;
        _messageOrder.Enqueue(message);
        if (SendDelay > TimeSpan.Zero)
        {
            try { await Task.Delay(SendDelay, context.RequestAborted); }
            catch (OperationCanceledException) { return; } // the client went away: the message stays accepted
        }
        await WriteJson(context, 201, MessageJson(message));
    }

    private bool AuthorizationIsValid(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            return decoded == $"{AccountSid}:{AuthToken}";
        }
        catch (FormatException) { return false; }
    }

    /// <summary>The message list, newest first, as Twilio pages it: only <c>To</c> is filtered here.</summary>
    private string ListJson(string to, int pageSize)
    {
        var page = _messageOrder.Reverse().Where(m => string.IsNullOrEmpty(to) || m.To == to).Take(pageSize)
            .Select(m => JsonSerializer.Deserialize<JsonElement>(MessageJson(m))).ToList();
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["messages"] = page, ["page"] = 0, ["page_size"] = pageSize, ["next_page_uri"] = null,
            ["uri"] = $"/2010-04-01/Accounts/{AccountSid}/Messages.json?To={Uri.EscapeDataString(to)}&PageSize={pageSize}",
        });
    }

    private string MessageJson(FakeTwilioMessage m)
    {
        var now = _createdAt.GetValueOrDefault(m.Sid, DateTimeOffset.UtcNow).ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture);
        var uri = $"/2010-04-01/Accounts/{AccountSid}/Messages/{m.Sid}";
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["account_sid"] = AccountSid,
            ["api_version"] = "2010-04-01",
            ["body"] = m.Body,
            ["date_created"] = now,
            ["date_sent"] = null,
            ["date_updated"] = now,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = m.From,
            ["messaging_service_sid"] = m.MessagingServiceSid,
            ["num_media"] = "0",
            // A Messaging Service has not picked a sender yet, so Twilio reports 0 segments.
            ["num_segments"] = m.From is null ? "0" : SmsEncoding.Analyze(m.Body).Segments.ToString(CultureInfo.InvariantCulture),
            ["price"] = null,
            ["price_unit"] = null,
            ["sid"] = m.Sid,
            ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = uri + "/Media.json" },
            ["to"] = m.To,
            ["uri"] = uri + ".json",
        });
    }

    private static string ErrorJson(int status, int code, string message) => JsonSerializer.Serialize(new
    {
        code,
        message,
        more_info = $"https://www.twilio.com/docs/errors/{code}",
        status,
    });

    private static async Task WriteJson(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _callbacks.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}
