using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>A brandname SMS the fake accepted (CodeResult 100).</summary>
/// <param name="Phone">As sent, e.g. <c>84912345678</c>.</param>
/// <param name="IsUnicode">The <c>IsUnicode</c> value as sent (<c>"1"</c> or <c>"0"</c>), or null.</param>
public sealed record FakeEsmsMessage(
    string SmsId, string Phone, string Content, string? IsUnicode, string? RequestId, string? CallbackUrl, string Brandname, bool Sandbox);

/// <summary>
/// eSMS's REST API on 127.0.0.1: <c>POST /MainService.svc/json/SendMultipleMessage_V4_post_json/</c> answering
/// HTTP 200 and a <c>CodeResult</c> as eSMS does (101 wrong keys, 104 unknown brandname, 124 RequestId already
/// used, 146 text matching no registered template). Stricter than eSMS in one way: every body value must be a
/// JSON string (else 99). It records every request, can be scripted to fail, calls the CallbackUrl of a message
/// with a delivery report, and builds short-code MO calls signed the way eSMS signs them.
/// </summary>
public sealed class FakeEsmsServer : IAsyncDisposable
{
    public const string DefaultApiKey = "A1B2C3D4E5F60718293A4B5C6D7E8F90";
    public const string DefaultSecretKey = "0F9E8D7C6B5A49382716F5E4D3C2B1A0";
    public const string DefaultBrandname = "UBND_XA";
    public const string DefaultCpId = "CP12345";
    public const string DefaultPrivateKey = "17417a0d20114d36a902e49cad0e97f3";
    public const string DefaultCallbackSecret = "cb-7Yq2Rk9Vx4Mz8Lp3";
    public const string DefaultServiceNumber = "8079";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeEsmsMessage> _messages = new();
    private readonly ConcurrentDictionary<string, FakeEsmsMessage> _byRequestId = new(StringComparer.Ordinal);
    private readonly ResponseScript _script = new();
    private readonly HttpClient _callbacks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly object _sendLock = new();
    private volatile Func<string, bool> _contentRejected = _ => false;
    private FakeServerHost? _host;

    /// <summary>Base URL to use as <see cref="ChannelOptions.ApiBaseUrl"/>.</summary>
    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    /// <summary>Every request received, in arrival order (including refused ones).</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Messages accepted (CodeResult 100), in order.</summary>
    public IReadOnlyList<FakeEsmsMessage> Messages => [.. _messages];

    public static async Task<FakeEsmsServer> StartAsync()
    {
        var server = new FakeEsmsServer();
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>Channel options pointing at this fake (Type <c>esms</c>), with the default credentials and keys.</summary>
    public ChannelOptions ChannelOptions(string key = "esms", bool sandbox = false) => new()
    {
        Key = key,
        Type = ChannelTypes.Esms,
        ApiBaseUrl = Url,
        ApiKey = DefaultApiKey,
        SecretKey = DefaultSecretKey,
        Brandname = DefaultBrandname,
        CpId = DefaultCpId,
        PrivateKey = DefaultPrivateKey,
        CallbackSecret = DefaultCallbackSecret,
        Sandbox = sandbox,
    };

    /// <summary>Texts for which <paramref name="rejected"/> is true match no registered template: answered 146.</summary>
    public void RejectContent(Func<string, bool> rejected) => _contentRejected = rejected;

    /// <summary>These exact texts match no registered template: answered 146.</summary>
    public void RejectContent(params string[] contents)
    {
        var set = contents.ToHashSet(StringComparer.Ordinal);
        _contentRejected = set.Contains;
    }

    /// <summary>The next <paramref name="count"/> authenticated sends get exactly this HTTP answer.</summary>
    public void ScriptNext(int count, int statusCode, string body, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next sends fail with this HTTP status (default body: a proxy's HTML page).</summary>
    public void FailNext(int count, int statusCode, TimeSpan? retryAfter = null) =>
        ScriptNext(count, statusCode, $"<html><body>{statusCode}</body></html>", retryAfter);

    /// <summary>The next sends get HTTP 200 with this <c>CodeResult</c> and <c>ErrorMessage</c>, e.g. ("103", "Balance not enough").</summary>
    public void AnswerNext(int count, string codeResult, string? errorMessage = null) =>
        ScriptNext(count, 200, Answer(codeResult, null, errorMessage));

    /// <summary>The next sends are handled normally, but only after <paramref name="delay"/> (to make a client time out).</summary>
    public void DelayNext(int count, TimeSpan delay) => _script.Enqueue(count, new ScriptedResponse(null, Delay: delay));

    /// <summary>GETs message <paramref name="smsId"/>'s CallbackUrl with eSMS's report: done, one sent, one delivered or failed.</summary>
    public Task<HttpStatusCode> DeliverAsync(string smsId, bool delivered = true) =>
        ReportAsync(smsId, sendStatus: "5", sendSuccess: delivered ? 1 : 0, sendFailed: delivered ? 0 : 1);

    /// <summary>GETs message <paramref name="smsId"/>'s CallbackUrl with any <c>SendStatus</c> (1, 2, 4, 5, 7). Returns the receiver's status.</summary>
    public async Task<HttpStatusCode> ReportAsync(string smsId, string sendStatus, int sendSuccess = 0, int sendFailed = 0)
    {
        using var response = await _callbacks.GetAsync(ReportUrl(smsId, sendStatus, sendSuccess, sendFailed));
        return response.StatusCode;
    }

    /// <summary>The URL eSMS would GET: the message's CallbackUrl plus the documented query, in the docs' order.</summary>
    public string ReportUrl(string smsId, string sendStatus, int sendSuccess = 0, int sendFailed = 0)
    {
        var message = _messages.FirstOrDefault(m => m.SmsId == smsId) ?? throw new InvalidOperationException($"no message {smsId}");
        var callback = message.CallbackUrl ?? throw new InvalidOperationException($"message {smsId} was sent without a CallbackUrl");
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var query = new (string, string)[]
        {
            ("SMSID", smsId), ("SendFailed", N(sendFailed)), ("SendStatus", sendStatus), ("SendSuccess", N(sendSuccess)),
            ("TotalPrice", sendSuccess > 0 ? "650.0000" : "0.0000"), ("TotalReceiver", "1"), ("TotalSent", "1"),
            ("RequestId", message.RequestId ?? ""), ("TypeId", "2"), ("telcoid", "1"),
            // The docs' sample reports the number in national form.
            ("phonenumber", "0" + message.Phone[2..]),
        };
        return callback + (callback.Contains('?') ? "&" : "?") + string.Join('&', query.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
    }

    /// <summary>
    /// The GET eSMS makes for a resident's SMS to the short code, signed with <see cref="DefaultPrivateKey"/>
    /// (or, with <paramref name="forgeSign"/>, with another key). <paramref name="sender"/> is as eSMS sends it: <c>84…</c>.
    /// </summary>
    public static string MoUrl(string receiveUrl, string sender, string content, string? smsId = null, DateTimeOffset? receiverTime = null,
        bool forgeSign = false, string cpid = DefaultCpId, string serviceNumber = DefaultServiceNumber)
    {
        smsId ??= NewSmsId();
        var time = (receiverTime ?? DateTimeOffset.UtcNow).ToOffset(TimeSpan.FromHours(7)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var key = forgeSign ? "not-the-private-key" : DefaultPrivateKey;
        // eSMS's rule, written here independently of the adapter: base64(MD5(cpid + smsid + content + time + key)).
        var sign = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(string.Concat(cpid, smsId, content, time, key))));
        var keyword = content.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var query = new (string, string)[]
        {
            ("sender", sender), ("content", content), ("serviceNumber", serviceNumber), ("keyword", keyword),
            ("sign", sign), ("cpid", cpid), ("smsid", smsId), ("receiverTime", time),
        };
        return receiveUrl + (receiveUrl.Contains('?') ? "&" : "?") + string.Join('&', query.Select(p => p.Item1 + "=" + Uri.EscapeDataString(p.Item2)));
    }

    /// <summary>GETs <see cref="MoUrl"/>; the caller disposes the response (its body is the partner's XML).</summary>
    public Task<HttpResponseMessage> SendMoAsync(string receiveUrl, string sender, string content, string? smsId = null,
        DateTimeOffset? receiverTime = null, bool forgeSign = false) =>
        _callbacks.GetAsync(MoUrl(receiveUrl, sender, content, smsId, receiverTime, forgeSign));

    /// <summary>An id in the shape of eSMS's SMSID (32 hex characters and a type suffix).</summary>
    public static string NewSmsId() => RandomNumberGenerator.GetHexString(32, lowercase: true) + "156";

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        _requests.Enqueue(recorded);

        if (recorded.Path.TrimEnd('/') != "/MainService.svc/json/SendMultipleMessage_V4_post_json" || !HttpMethods.IsPost(recorded.Method))
        {
            await Write(context, 404, "<html><body>Endpoint not found.</body></html>", "text/html");
            return;
        }
        Dictionary<string, JsonElement>? body = null;
        try { body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(recorded.RawBody); }
        catch (JsonException) { /* answered below */ }
        if (body is null)
        {
            await Write(context, 200, InvalidRequest);
            return;
        }
        string? S(string name) => body.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        if (S("ApiKey") != DefaultApiKey || S("SecretKey") != DefaultSecretKey)
        {
            await Write(context, 200, Answer("101", null, "Authorize Failed"));
            return;
        }
        if (S("Brandname") != DefaultBrandname)
        {
            await Write(context, 200, Answer("104", null, "Brand name code is not exist"));
            return;
        }
        if (_script.TryNext(out var scripted))
        {
            if (scripted.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (scripted.StatusCode is int status)
            {
                if (scripted.RetryAfter is { } wait)
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Write(context, status, scripted.Body, scripted.Body.StartsWith('<') ? "text/html" : "application/json");
                return;
            }
        }
        if (body.Values.Any(v => v.ValueKind != JsonValueKind.String) || S("SmsType") != "2" || string.IsNullOrEmpty(S("Content")))
        {
            await Write(context, 200, InvalidRequest);
            return;
        }
        var phone = S("Phone") ?? "";
        if (!(phone.StartsWith("84", StringComparison.Ordinal) && phone.Length is 11 && phone.All(char.IsAsciiDigit)))
        {
            await Write(context, 200, Answer("108", null, "Phone number is not valid"));
            return;
        }

        var requestId = S("RequestId") is { Length: > 0 } r ? r : null;
        var content = S("Content")!;
        string answer;
        lock (_sendLock)
        {
            if (requestId is not null && _byRequestId.ContainsKey(requestId))
                answer = Answer("124", null, "Request exist 1", sendStatus: "5");
            else if (_contentRejected(content))
                answer = Answer("146", NewSmsId(), "Sai template Brandname CSKH");
            else
            {
                var message = new FakeEsmsMessage(NewSmsId(), phone, content, S("IsUnicode"), requestId, S("CallbackUrl"), DefaultBrandname, S("Sandbox") == "1");
                if (requestId is not null) _byRequestId[requestId] = message;
                _messages.Enqueue(message);
                answer = Answer("100", message.SmsId, null);
            }
        }
        await Write(context, 200, answer);
    }

    /// <summary>The docs' answer to a request eSMS cannot read (code 99): no CodeResult at all.</summary>
    private const string InvalidRequest = """{"error":"Invalid request"}""";

    private static string Answer(string code, string? smsId, string? errorMessage, string? sendStatus = null)
    {
        var answer = new Dictionary<string, object> { ["CodeResult"] = code, ["CountRegenerate"] = 0 };
        if (errorMessage is not null) answer["ErrorMessage"] = errorMessage;
        if (smsId is not null) answer["SMSID"] = smsId;
        if (sendStatus is not null) answer["SendStatus"] = sendStatus;
        return JsonSerializer.Serialize(answer);
    }

    private static async Task Write(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType + "; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _callbacks.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}
