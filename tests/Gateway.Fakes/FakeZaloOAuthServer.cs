using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>An OA token pair the fake issued.</summary>
public sealed record FakeZaloTokenPair(string AccessToken, string RefreshToken);

/// <summary>How <see cref="FakeZaloOAuthServer"/> answers refresh grants while <see cref="FakeZaloOAuthServer.RefreshFailure"/> is set.</summary>
public enum FakeRefreshFailure
{
    /// <summary>Refreshes work.</summary>
    None,
    /// <summary>Zalo refuses every refresh with an error JSON (HTTP 200), as when the OA admin revoked the app; tokens are not spent.</summary>
    Refuse,
    /// <summary>HTTP 500 with no verdict: an outage; tokens are not spent.</summary>
    ServerError,
}

/// <summary>
/// Zalo OAuth v4 on 127.0.0.1 (protocols.md §B5): <c>GET /v4/oa/permission</c> auto-consents and redirects
/// with a code; <c>POST /v4/oa/access_token</c> checks the <c>secret_key</c> header and trades a code (PKCE
/// checked, single-use) or a refresh token (single-use: each refresh spends it) for a new pair. Errors are
/// answered as Zalo does, HTTP 200 with a negative <c>error</c>, <c>error_name</c> and <c>error_description</c>
/// (the numbers are those seen in public integrations). Thread-safe.
/// </summary>
public sealed class FakeZaloOAuthServer : IAsyncDisposable
{
    public const string DefaultAppSecret = "Hq4Vt9Lm2Xc7Bn1Kd6Rw";
    /// <summary>Zalo's lifetime for an access token lately: 25 h.</summary>
    public const int DefaultExpiresInSeconds = 90000;
    /// <summary>How long a consent code stays usable.</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal); // → expires at
    private readonly Dictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal); // → spent
    private readonly Dictionary<string, Consent> _codes = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private FakeServerHost? _host;
    private int _expiresInSeconds = DefaultExpiresInSeconds;
    private int _refreshCount, _reusedRefreshTokens, _codeExchanges;
    private volatile FakeRefreshFailure _refreshFailure;
    private TimeSpan _delay;

    private sealed record Consent(string Challenge, DateTimeOffset ExpiresAt)
    {
        public bool Used { get; set; }
    }

    private FakeZaloOAuthServer(string appId, string appSecret, string oaId)
    {
        AppId = appId;
        AppSecret = appSecret;
        OaId = oaId;
    }

    public string AppId { get; }
    /// <summary>The App Secret Key the <c>secret_key</c> header must carry.</summary>
    public string AppSecret { get; }
    /// <summary>The <c>oa_id</c> the consent redirect reports.</summary>
    public string OaId { get; }

    /// <summary>Base URL to use as <see cref="ChannelOptions.OAuthBaseUrl"/>.</summary>
    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    /// <summary>The <c>expires_in</c> (seconds, sent as a string) of pairs issued from now on; set it short to make the gateway renew.</summary>
    public int ExpiresInSeconds
    {
        get { lock (_gate) return _expiresInSeconds; }
        set { ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value); lock (_gate) _expiresInSeconds = value; }
    }

    /// <summary>Makes refresh grants fail (refused or HTTP 500) until set back to <see cref="FakeRefreshFailure.None"/>.</summary>
    public FakeRefreshFailure RefreshFailure { get => _refreshFailure; set => _refreshFailure = value; }

    /// <summary>Waited before every token answer, e.g. to make a client's timeout fire.</summary>
    public TimeSpan ResponseDelay
    {
        get { lock (_gate) return _delay; }
        set { lock (_gate) _delay = value; }
    }

    /// <summary>Refresh grants that issued a new pair.</summary>
    public int RefreshCount => Volatile.Read(ref _refreshCount);

    /// <summary>
    /// Refresh grants with a token that was already spent or never issued. A gateway that persists each new
    /// pair before use, and refreshes single-flight, keeps this at 0.
    /// </summary>
    public int ReusedRefreshTokens => Volatile.Read(ref _reusedRefreshTokens);

    /// <summary>Authorization-code grants that issued a pair.</summary>
    public int CodeExchangeCount => Volatile.Read(ref _codeExchanges);

    /// <summary>Every request received, in arrival order (including refused ones).</summary>
    public IReadOnlyList<RecordedRequest> Requests { get { lock (_gate) return [.. _requests]; } }

    public static async Task<FakeZaloOAuthServer> StartAsync(string appId = FakeZaloServer.DefaultAppId, string appSecret = DefaultAppSecret,
        string oaId = FakeZaloServer.DefaultOaId)
    {
        var server = new FakeZaloOAuthServer(appId, appSecret, oaId);
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>A fresh valid pair, as if an admin had just consented: configure it into the gateway.</summary>
    public FakeZaloTokenPair SeedPair()
    {
        lock (_gate) return IssueLocked();
    }

    /// <summary>True for a token this fake issued that has not expired (by the wall clock). Wire it into the API fakes' validators.</summary>
    public bool IsValidAccessToken(string? token)
    {
        if (string.IsNullOrEmpty(token)) return false;
        lock (_gate) return _accessTokens.TryGetValue(token, out var expiresAt) && DateTimeOffset.UtcNow < expiresAt;
    }

    /// <summary>Every access token issued so far expires now (refresh tokens stay usable).</summary>
    public void ExpireAccessTokens()
    {
        lock (_gate)
            foreach (var token in _accessTokens.Keys.ToList()) _accessTokens[token] = DateTimeOffset.MinValue;
    }

    /// <summary>True while a refresh token was issued and not yet spent.</summary>
    public bool IsLiveRefreshToken(string token)
    {
        lock (_gate) return _refreshTokens.TryGetValue(token, out var spent) && !spent;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        lock (_gate) _requests.Add(recorded);

        if (recorded.Path == "/v4/oa/permission" && HttpMethods.IsGet(recorded.Method))
        {
            await Permission(context, recorded);
            return;
        }
        if (recorded.Path != "/v4/oa/access_token" || !HttpMethods.IsPost(recorded.Method))
        {
            await Write(context, 404, Error(-14001, "Not found", $"no such endpoint {recorded.Path}"));
            return;
        }

        var delay = ResponseDelay;
        if (delay > TimeSpan.Zero) await Task.Delay(delay, context.RequestAborted);

        var (status, body) = Token(recorded);
        await Write(context, status, body);
    }

    /// <summary>Auto-consent: remembers the challenge under a new code and redirects back with it.</summary>
    private async Task Permission(HttpContext context, RecordedRequest recorded)
    {
        var query = FormUrlEncoding.ParseQuery(recorded.QueryString).ToDictionary(p => p.Key, p => p.Value);
        var redirect = query.GetValueOrDefault("redirect_uri");
        var challenge = query.GetValueOrDefault("code_challenge");
        if (query.GetValueOrDefault("app_id") != AppId || !Uri.TryCreate(redirect, UriKind.Absolute, out _) || string.IsNullOrEmpty(challenge))
        {
            await Write(context, 400, Error(-14003, "Invalid parameter", "app_id, redirect_uri or code_challenge is invalid"));
            return;
        }

        var code = NewToken("code");
        lock (_gate) _codes[code] = new Consent(challenge, DateTimeOffset.UtcNow + CodeLifetime);
        var back = FormUrlEncoding.Encode([new("code", code), new("oa_id", OaId), new("state", query.GetValueOrDefault("state") ?? "")]);
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = redirect + (redirect!.Contains('?') ? "&" : "?") + back;
    }

    private (int Status, string Body) Token(RecordedRequest recorded)
    {
        if (recorded.Header("secret_key") != AppSecret) return (200, Error(-14004, "Invalid secret key", "secret_key is invalid"));
        if (recorded.FormValue("app_id") != AppId) return (200, Error(-14002, "Invalid appId", "app_id is invalid"));

        return recorded.FormValue("grant_type") switch
        {
            "refresh_token" => Refresh(recorded.FormValue("refresh_token")),
            "authorization_code" => Exchange(recorded.FormValue("code"), recorded.FormValue("code_verifier")),
            _ => (200, Error(-14018, "Invalid grant type", "grant_type must be authorization_code or refresh_token")),
        };
    }

    private (int Status, string Body) Refresh(string? refreshToken)
    {
        switch (RefreshFailure)
        {
            case FakeRefreshFailure.ServerError: return (500, "Internal Server Error");
            case FakeRefreshFailure.Refuse: return (200, Error(-14014, "Invalid refresh token", "the app's access to this OA was revoked"));
        }

        lock (_gate)
        {
            // The check and the spend happen together: two concurrent refreshes with one token cannot both win.
            if (refreshToken is null || !_refreshTokens.TryGetValue(refreshToken, out var spent) || spent)
            {
                _reusedRefreshTokens++;
                return (200, Error(-14014, "Invalid refresh token", "refresh_token is invalid, expired or already used"));
            }
            _refreshTokens[refreshToken] = true;
            _refreshCount++;
            return (200, PairJson(IssueLocked()));
        }
    }

    private (int Status, string Body) Exchange(string? code, string? verifier)
    {
        lock (_gate)
        {
            if (code is null || !_codes.TryGetValue(code, out var consent) || consent.Used || DateTimeOffset.UtcNow >= consent.ExpiresAt)
                return (200, Error(-14005, "Invalid code", "code is invalid, expired or already used"));
            // Any attempt spends the code, as single-use codes should.
            consent.Used = true;
            if (verifier is null || S256(verifier) != consent.Challenge)
                return (200, Error(-14005, "Invalid code", "code_verifier does not match code_challenge"));
            _codeExchanges++;
            return (200, PairJson(IssueLocked()));
        }
    }

    private FakeZaloTokenPair IssueLocked()
    {
        var pair = new FakeZaloTokenPair(NewToken("at"), NewToken("rt"));
        _accessTokens[pair.AccessToken] = DateTimeOffset.UtcNow.AddSeconds(_expiresInSeconds);
        _refreshTokens[pair.RefreshToken] = false;
        return pair;
    }

    private string PairJson(FakeZaloTokenPair pair) => JsonSerializer.Serialize(new
    {
        access_token = pair.AccessToken,
        refresh_token = pair.RefreshToken,
        // A string, as Zalo sends it.
        expires_in = _expiresInSeconds.ToString(CultureInfo.InvariantCulture),
    });

    /// <summary>Written here rather than borrowed from the client, so a wrong client challenge cannot agree with itself.</summary>
    private static string S256(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string NewToken(string kind) => $"{kind}-{RandomNumberGenerator.GetHexString(40, lowercase: true)}";

    private static string Error(int error, string name, string description) => JsonSerializer.Serialize(new
    {
        error,
        error_name = name,
        error_reason = "",
        error_description = description,
        ref_doc = "https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new",
    });

    private static async Task Write(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = status == 500 ? "text/plain" : "application/json; charset=utf-8";
        await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
