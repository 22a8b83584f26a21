using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Channels;
using Gateway.Channels.Zalo;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>A consultation message the fake accepted.</summary>
public sealed record FakeZaloMessage(string MessageId, string UserId, string Text);

/// <summary>
/// Zalo's OA API on 127.0.0.1: <c>POST /v3.0/oa/message/cs</c> checking the <c>access_token</c> header and
/// answering in Zalo's envelope (HTTP 200 even for errors, as Zalo does). It records every request, can be
/// scripted to fail, and builds and posts signed webhooks for this OA.
/// </summary>
public sealed class FakeZaloServer : IAsyncDisposable
{
    public const string DefaultAppId = "2863048729163584510";
    public const string DefaultOaId = "1762394058316472095";
    public const string DefaultOaSecretKey = "Zk8Qp2Lw7Xv4Tn1Rb6Hc";
    public const string DefaultAccessToken = "fake-oa-access-token";

    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<FakeZaloMessage> _messages = new();
    private readonly ResponseScript _script = new();
    private readonly HttpClient _webhooks = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FakeServerHost? _host;
    private volatile string _accessToken;
    private volatile Func<string, bool>? _tokenValidator;

    private FakeZaloServer(string accessToken, string appId, string oaSecretKey, string oaId)
    {
        _accessToken = accessToken;
        AppId = appId;
        OaSecretKey = oaSecretKey;
        OaId = oaId;
    }

    public string AppId { get; }
    public string OaSecretKey { get; }
    public string OaId { get; }

    /// <summary>The token the API accepts. Change it to make the gateway's token "expire" (error −216).</summary>
    public string AccessToken { get => _accessToken; set => _accessToken = value; }

    /// <summary>
    /// When set, decides which tokens the API accepts instead of <see cref="AccessToken"/>, e.g.
    /// <see cref="FakeZaloOAuthServer.IsValidAccessToken"/> so tokens renewed through the OAuth fake work and
    /// expired ones get −216.
    /// </summary>
    public Func<string, bool>? TokenValidator { get => _tokenValidator; set => _tokenValidator = value; }

    /// <summary>Base URL to use as <see cref="ChannelOptions.ApiBaseUrl"/>.</summary>
    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Messages accepted (error 0), in order.</summary>
    public IReadOnlyList<FakeZaloMessage> Messages => [.. _messages];

    public static async Task<FakeZaloServer> StartAsync(string accessToken = DefaultAccessToken, string appId = DefaultAppId,
        string oaSecretKey = DefaultOaSecretKey, string oaId = DefaultOaId)
    {
        var server = new FakeZaloServer(accessToken, appId, oaSecretKey, oaId);
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>Channel options pointing at this fake (Type <c>zalo</c>).</summary>
    public ChannelOptions ChannelOptions(string key = "zalo") => new()
    {
        Key = key,
        Type = ZaloAdapter.ChannelType,
        ApiBaseUrl = Url,
        AppId = AppId,
        OaId = OaId,
        OaSecretKey = OaSecretKey,
        AccessToken = AccessToken,
    };

    /// <summary>The next <paramref name="count"/> sends with a valid token get exactly this answer (e.g. a captured envelope).</summary>
    public void ScriptNext(int count, int statusCode, string body, TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next sends get Zalo error <paramref name="error"/> in an HTTP 200 envelope (e.g. −32, −213, −230).</summary>
    public void FailNext(int count, int error, string message) =>
        _script.Enqueue(count, new ScriptedResponse(200, Envelope(error, message, null)));

    /// <summary>The next sends get a bare HTTP error, as a proxy or an outage would give.</summary>
    public void FailNextHttp(int count, int statusCode, string body = "", TimeSpan? retryAfter = null) =>
        _script.Enqueue(count, new ScriptedResponse(statusCode, body, retryAfter));

    /// <summary>The next sends succeed, but only after <paramref name="delay"/>.</summary>
    public void DelayNext(int count, TimeSpan delay) => _script.Enqueue(count, new ScriptedResponse(null, Delay: delay));

    /// <summary>A signed <c>user_send_text</c> from <paramref name="userId"/> to this OA.</summary>
    public SignedZaloWebhook UserSendText(string userId, string text, string? msgId = null, DateTimeOffset? at = null) =>
        ZaloWebhooks.UserSendText(AppId, OaSecretKey, OaId, userId, text, msgId, at);

    public SignedZaloWebhook Follow(string userId, bool following = true, DateTimeOffset? at = null) =>
        ZaloWebhooks.Follow(AppId, OaSecretKey, OaId, userId, following, at);

    public SignedZaloWebhook UserReceivedMessage(string userId, string msgId, DateTimeOffset? at = null) =>
        ZaloWebhooks.UserReceivedMessage(AppId, OaSecretKey, OaId, userId, msgId, at);

    public SignedZaloWebhook UserSeenMessage(string userId, IEnumerable<string> msgIds, DateTimeOffset? at = null) =>
        ZaloWebhooks.UserSeenMessage(AppId, OaSecretKey, OaId, userId, msgIds, at);

    /// <summary>Posts a signed webhook to the gateway, as Zalo would. Returns the HTTP status the receiver answered.</summary>
    public Task<HttpStatusCode> PostWebhookAsync(string webhookUrl, SignedZaloWebhook webhook) =>
        ZaloWebhooks.PostAsync(_webhooks, webhookUrl, webhook);

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        _requests.Enqueue(recorded);

        if (recorded.Path != "/v3.0/oa/message/cs" || !HttpMethods.IsPost(recorded.Method))
        {
            await Write(context, 404, Envelope(-201, "API not found", null));
            return;
        }
        if (!TokenIsValid(recorded.Header("access_token")))
        {
            await Write(context, 200, Envelope(-216, "Access token is invalid", null));
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

        string? userId = null, text = null;
        try
        {
            var root = recorded.Json();
            if (root.TryGetProperty("recipient", out var r) && r.TryGetProperty("user_id", out var u)) userId = u.GetString();
            if (root.TryGetProperty("message", out var m) && m.TryGetProperty("text", out var t)) text = t.GetString();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { /* answered below as an invalid parameter */ }
        if (string.IsNullOrEmpty(userId) || text is null)
        {
            await Write(context, 200, Envelope(-201, "Parameters are invalid", null));
            return;
        }

        var message = new FakeZaloMessage(ZaloWebhooks.NewMessageId(), userId, text);
        _messages.Enqueue(message);
        await Write(context, 200, Envelope(0, "Success", new
        {
            message_id = message.MessageId,
            user_id = userId,
            quota = new { quota_type = "reply", remain = "7", total = "8", expired_date = (string?)null, owner_id = OaId, owner_type = "OA" },
        }));
    }

    private bool TokenIsValid(string? token) =>
        !string.IsNullOrEmpty(token) && (_tokenValidator is { } validator ? validator(token) : token == AccessToken);

    private static string Envelope(int error, string message, object? data) =>
        data is null
            ? JsonSerializer.Serialize(new { error, message })
            : JsonSerializer.Serialize(new { data, error, message });

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
