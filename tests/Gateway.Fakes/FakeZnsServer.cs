using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Channels;
using Gateway.Channels.Zalo;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>A ZNS template message the fake accepted.</summary>
/// <param name="Phone">As sent (<c>84…</c>).</param>
/// <param name="TrackingId">The sender's <c>tracking_id</c>, echoed in the delivery receipt.</param>
/// <param name="Development">The request carried <c>"mode":"development"</c>.</param>
public sealed record FakeZnsMessage(string MsgId, string Phone, string TemplateId, IReadOnlyDictionary<string, string> TemplateData,
    string? TrackingId, bool Development);

/// <summary>
/// ZNS on 127.0.0.1: <c>POST /message/template</c> checking the <c>access_token</c> header (−124 when invalid)
/// and answering in Zalo's envelope (HTTP 200 even for errors). It keeps a daily quota that counts down
/// (−144 when spent), knows phones without a Zalo account (−118), refuses phones not written <c>84…</c> (−108),
/// can be scripted to fail, and builds and posts the signed delivery receipt that arrives on the OA's webhook.
/// </summary>
public sealed class FakeZnsServer : IAsyncDisposable
{
    public const int DefaultDailyQuota = 500;

    private readonly object _quotaGate = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeZnsMessage> _messages = new();
    private readonly ConcurrentDictionary<string, byte> _withoutZalo = new(StringComparer.Ordinal);
    private readonly ResponseScript _script = new();
    private readonly HttpClient _webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FakeServerHost? _host;
    private volatile string _accessToken;
    private volatile Func<string, bool>? _tokenValidator;
    private int _dailyQuota = DefaultDailyQuota, _remainingQuota = DefaultDailyQuota;

    private FakeZnsServer(string accessToken, string appId, string oaSecretKey, string oaId)
    {
        _accessToken = accessToken;
        AppId = appId;
        OaSecretKey = oaSecretKey;
        OaId = oaId;
    }

    public string AppId { get; }
    /// <summary>Signs the delivery receipts (they come through the OA's webhook).</summary>
    public string OaSecretKey { get; }
    public string OaId { get; }

    /// <summary>The token the API accepts when no <see cref="TokenValidator"/> is set.</summary>
    public string AccessToken { get => _accessToken; set => _accessToken = value; }

    /// <summary>When set, decides which tokens are accepted, e.g. <see cref="FakeZaloOAuthServer.IsValidAccessToken"/>.</summary>
    public Func<string, bool>? TokenValidator { get => _tokenValidator; set => _tokenValidator = value; }

    /// <summary>What each success reports as <c>dailyQuota</c>.</summary>
    public int DailyQuota
    {
        get { lock (_quotaGate) return _dailyQuota; }
        set { lock (_quotaGate) _dailyQuota = value; }
    }

    /// <summary>Sends left today: each success takes one; at 0 sends get −144.</summary>
    public int RemainingQuota
    {
        get { lock (_quotaGate) return _remainingQuota; }
        set { lock (_quotaGate) _remainingQuota = value; }
    }

    /// <summary>Base URL to use as <see cref="ChannelOptions.ApiBaseUrl"/>.</summary>
    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Messages accepted (error 0), in order.</summary>
    public IReadOnlyList<FakeZnsMessage> Messages => [.. _messages];

    public static async Task<FakeZnsServer> StartAsync(string accessToken = FakeZaloServer.DefaultAccessToken,
        string appId = FakeZaloServer.DefaultAppId, string oaSecretKey = FakeZaloServer.DefaultOaSecretKey, string oaId = FakeZaloServer.DefaultOaId)
    {
        var server = new FakeZnsServer(accessToken, appId, oaSecretKey, oaId);
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>Channel options pointing at this fake (Type <c>zns</c>, riding the OA of the <c>zalo</c> channel <paramref name="zaloOa"/>).</summary>
    public ChannelOptions ChannelOptions(string key = "zns", string zaloOa = "zalo", bool development = false) => new()
    {
        Key = key,
        Type = ChannelTypes.Zns,
        ApiBaseUrl = Url,
        AppId = AppId,
        OaId = OaId,
        ZaloOa = zaloOa,
        Development = development,
        AccessToken = AccessToken,
    };

    /// <summary>These phones (any form <see cref="Gateway.Channels.Text.PhoneNumber"/> reads) have no Zalo account: sends get −118.</summary>
    public void WithoutZaloAccount(params string[] phones)
    {
        foreach (var phone in phones) _withoutZalo[Wire(phone)] = 0;
    }

    /// <summary>The next <paramref name="count"/> sends with a valid token get exactly this answer.</summary>
    public void ScriptNext(int count, int statusCode, string body, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next sends get ZNS error <paramref name="error"/> in an HTTP 200 envelope (e.g. −100, −109, −115).</summary>
    public void FailNext(int count, int error, string message) =>
        _script.Enqueue(count, new ScriptedResponse(200, Envelope(error, message, null)));

    /// <summary>The next sends get a bare HTTP error, as a proxy or an outage would give.</summary>
    public void FailNextHttp(int count, int statusCode, string body = "", TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next sends succeed, but only after <paramref name="delay"/>.</summary>
    public void DelayNext(int count, TimeSpan delay) => _script.Enqueue(count, new ScriptedResponse(null, Delay: delay));

    /// <summary>The OA-scoped user id the receipts give the owner of <paramref name="phone"/>: stable, 19 digits.</summary>
    public static string UserIdFor(string phone) =>
        (BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(phone))) % 9_000_000_000_000_000_000UL + 1_000_000_000_000_000_000UL)
        .ToString(CultureInfo.InvariantCulture);

    /// <summary>The signed <c>user_received_message</c> Zalo posts to the OA's webhook when ZNS message <paramref name="msgId"/> arrives.</summary>
    public SignedZaloWebhook DeliveryReceipt(string msgId, DateTimeOffset? deliveredAt = null, DateTimeOffset? at = null)
    {
        var message = _messages.FirstOrDefault(m => m.MsgId == msgId)
            ?? throw new InvalidOperationException($"the fake sent no ZNS message {msgId}");
        return ZaloWebhooks.ZnsUserReceivedMessage(AppId, OaSecretKey, OaId, UserIdFor(message.Phone), msgId,
            message.TrackingId ?? "", deliveredAt, at);
    }

    /// <summary>Posts a signed webhook (e.g. <see cref="DeliveryReceipt"/>) to the OA's webhook URL. Returns the status the receiver answered.</summary>
    public Task<HttpStatusCode> PostWebhookAsync(string webhookUrl, SignedZaloWebhook webhook) =>
        ZaloWebhooks.PostAsync(_webhooks, webhookUrl, webhook);

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        _requests.Enqueue(recorded);

        if (recorded.Path != "/message/template" || !HttpMethods.IsPost(recorded.Method))
        {
            await Write(context, 404, Envelope(-106, "Method unsupported", null));
            return;
        }
        if (!TokenIsValid(recorded.Header("access_token")))
        {
            await Write(context, 200, Envelope(-124, "Access token is invalid", null));
            return;
        }
        if (_script.TryNext(out var scripted))
        {
            if (scripted.Delay is { } delay) await Task.Delay(delay, context.RequestAborted);
            if (scripted.StatusCode is int status)
            {
                if (scripted.RetryAfter is { } wait)
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Write(context, status, scripted.Body);
                return;
            }
        }

        await Write(context, 200, Answer(recorded));
    }

    private string Answer(RecordedRequest recorded)
    {
        string? phone = null, templateId = null, trackingId = null, mode = null;
        Dictionary<string, string>? data = null;
        try
        {
            var root = recorded.Json();
            phone = Str(root, "phone");
            templateId = Str(root, "template_id");
            trackingId = Str(root, "tracking_id");
            mode = Str(root, "mode");
            if (root.TryGetProperty("template_data", out var d) && d.ValueKind == JsonValueKind.Object)
                // Template parameters are strings on the wire; anything else is refused below.
                data = d.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String)
                    .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { /* answered below */ }

        if (string.IsNullOrEmpty(templateId)) return Envelope(-109, "Template ID is invalid", null);
        if (data is null || data.Count == 0) return Envelope(-111, "Template data is empty", null);
        // Strict on purpose: 84 and the national number, so a sender that forgets to normalize is caught.
        if (phone is null || !IsWirePhone(phone)) return Envelope(-108, "Phone number is invalid", null);
        if (_withoutZalo.ContainsKey(phone)) return Envelope(-118, "Zalo account not existed", null);

        int daily, remaining;
        lock (_quotaGate)
        {
            if (_remainingQuota <= 0) return Envelope(-144, "OA has exceeded the daily quota", null);
            remaining = --_remainingQuota;
            daily = _dailyQuota;
        }
        var message = new FakeZnsMessage(ZaloWebhooks.NewMessageId(), phone, templateId, data, trackingId, mode == "development");
        _messages.Enqueue(message);
        return Envelope(0, "Success", new
        {
            msg_id = message.MsgId,
            sent_time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            sending_mode = "1",
            quota = new { dailyQuota = daily.ToString(CultureInfo.InvariantCulture), remainingQuota = remaining.ToString(CultureInfo.InvariantCulture) },
        });
    }

    private bool TokenIsValid(string? token) =>
        !string.IsNullOrEmpty(token) && (_tokenValidator is { } validator ? validator(token) : token == AccessToken);

    private static bool IsWirePhone(string phone) =>
        phone.StartsWith("84", StringComparison.Ordinal) && phone.Length is 11 or 12 && phone.All(char.IsAsciiDigit);

    private static string Wire(string phone) =>
        Gateway.Channels.Text.PhoneNumber.TryNormalize(phone, out var e164) ? e164.TrimStart('+') : phone;

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Envelope(int error, string message, object? data) =>
        data is null
            ? JsonSerializer.Serialize(new { error, message, data = (object?)null })
            : JsonSerializer.Serialize(new { error, message, data });

    private static async Task Write(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        _webhooks.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }
}
