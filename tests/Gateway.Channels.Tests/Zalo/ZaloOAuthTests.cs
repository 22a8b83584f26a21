using System.Net;
using Gateway.Channels.Zalo;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zalo;

/// <summary>The OAuth v4 client against <see cref="FakeZaloOAuthServer"/> over real HTTP.</summary>
public sealed class ZaloOAuthTests : IAsyncLifetime
{
    private const string RedirectUri = "https://gateway.example.vn/oauth/zalo/callback?channel=zalo";
    private FakeZaloOAuthServer _oauth = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync() => _oauth = await FakeZaloOAuthServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _oauth.DisposeAsync();
    }

    private Task<ZaloTokenResult> Refresh(string refreshToken, string? secret = null, HttpClient? http = null) =>
        ZaloOAuth.RefreshAsync(http ?? _http, _oauth.Url, _oauth.AppId, secret ?? _oauth.AppSecret, refreshToken, CancellationToken.None);

    [Fact]
    public void Permission_url_has_the_documented_host_path_and_escaped_parameters()
    {
        var url = ZaloOAuth.PermissionUrl(null, "2863048729163584510", RedirectUri, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "st-1");

        Assert.Equal("https://oauth.zaloapp.com/v4/oa/permission?app_id=2863048729163584510"
            + "&redirect_uri=https%3A%2F%2Fgateway.example.vn%2Foauth%2Fzalo%2Fcallback%3Fchannel%3Dzalo"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&state=st-1", url);
        Assert.Equal(RedirectUri, FormUrlEncoding.ParseQuery(FormUrlEncoding.QueryOf(url)).Single(p => p.Key == "redirect_uri").Value);
    }

    [Fact]
    public void Permission_url_uses_a_configured_base_without_doubling_the_slash() =>
        Assert.StartsWith("http://127.0.0.1:5000/v4/oa/permission?app_id=1&",
            ZaloOAuth.PermissionUrl("http://127.0.0.1:5000/", "1", RedirectUri, "c", "s"));

    [Fact]
    public async Task Refresh_issues_a_new_pair_and_parses_the_string_expires_in()
    {
        _oauth.ExpiresInSeconds = 7;
        var seed = _oauth.SeedPair();

        var issued = Assert.IsType<ZaloTokenResult.Issued>(await Refresh(seed.RefreshToken));

        Assert.NotEqual(seed.AccessToken, issued.AccessToken);
        Assert.NotEqual(seed.RefreshToken, issued.RefreshToken);
        Assert.Equal(TimeSpan.FromSeconds(7), issued.ExpiresIn);
        Assert.True(_oauth.IsValidAccessToken(issued.AccessToken));
        Assert.True(_oauth.IsLiveRefreshToken(issued.RefreshToken));
        Assert.False(_oauth.IsLiveRefreshToken(seed.RefreshToken));
        Assert.Equal(1, _oauth.RefreshCount);
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
    }

    [Fact]
    public async Task Refresh_request_has_the_secret_in_a_header_and_the_sdk_form_body()
    {
        var seed = _oauth.SeedPair();
        await Refresh(seed.RefreshToken);

        var request = Assert.Single(_oauth.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v4/oa/access_token", request.Path);
        Assert.Equal(_oauth.AppSecret, request.Header("secret_key"));
        Assert.StartsWith("application/x-www-form-urlencoded", request.Header("Content-Type"));
        Assert.Equal(
            [new("refresh_token", seed.RefreshToken), new("app_id", _oauth.AppId), new("grant_type", "refresh_token")],
            request.Form);
        Assert.DoesNotContain(_oauth.AppSecret, request.BodyText + request.QueryString);
    }

    [Fact]
    public async Task A_reused_refresh_token_is_refused_definitely()
    {
        var seed = _oauth.SeedPair();
        var first = Assert.IsType<ZaloTokenResult.Issued>(await Refresh(seed.RefreshToken));

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(seed.RefreshToken));

        Assert.True(refused.Definite);
        Assert.Equal("-14014", refused.Code);
        Assert.Equal("Invalid refresh token", refused.ErrorName);
        Assert.False(string.IsNullOrWhiteSpace(refused.Description));
        Assert.DoesNotContain(seed.RefreshToken, refused.ToString());
        Assert.Equal(1, _oauth.ReusedRefreshTokens);
        // The pair that was issued is untouched by the failed reuse.
        Assert.IsType<ZaloTokenResult.Issued>(await Refresh(first.RefreshToken));
    }

    [Fact]
    public async Task A_wrong_app_secret_is_refused_definitely_without_echoing_it_or_spending_the_token()
    {
        var seed = _oauth.SeedPair();

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(seed.RefreshToken, secret: "not-the-app-secret"));

        Assert.True(refused.Definite);
        Assert.Equal("-14004", refused.Code);
        Assert.DoesNotContain("not-the-app-secret", refused.ToString());
        Assert.True(_oauth.IsLiveRefreshToken(seed.RefreshToken));
        Assert.Equal(0, _oauth.RefreshCount);
    }

    [Fact]
    public async Task An_outage_is_not_definite_and_spends_nothing()
    {
        var seed = _oauth.SeedPair();
        _oauth.RefreshFailure = FakeRefreshFailure.ServerError;

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(seed.RefreshToken));
        Assert.False(refused.Definite);
        Assert.Equal("http-500", refused.Code);

        _oauth.RefreshFailure = FakeRefreshFailure.None;
        Assert.IsType<ZaloTokenResult.Issued>(await Refresh(seed.RefreshToken));
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
    }

    [Fact]
    public async Task A_revoked_consent_is_definite()
    {
        var seed = _oauth.SeedPair();
        _oauth.RefreshFailure = FakeRefreshFailure.Refuse;

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(seed.RefreshToken));

        Assert.True(refused.Definite);
        Assert.Equal("-14014", refused.Code);
    }

    [Fact]
    public async Task A_timeout_is_not_definite()
    {
        var seed = _oauth.SeedPair();
        _oauth.ResponseDelay = TimeSpan.FromSeconds(5);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(seed.RefreshToken, http: impatient));

        Assert.False(refused.Definite);
        Assert.Equal("timeout", refused.Code);
    }

    [Fact]
    public async Task An_unreachable_host_is_not_definite()
    {
        var refused = Assert.IsType<ZaloTokenResult.Refused>(
            await ZaloOAuth.RefreshAsync(_http, "http://127.0.0.1:1", "1", "secret", "rt", CancellationToken.None));
        Assert.False(refused.Definite);
        Assert.Equal("network", refused.Code);
    }

    [Fact]
    public async Task A_missing_secret_is_a_definite_configuration_refusal_without_a_call()
    {
        var refused = Assert.IsType<ZaloTokenResult.Refused>(await Refresh(_oauth.SeedPair().RefreshToken, secret: ""));
        Assert.True(refused.Definite);
        Assert.Equal("config", refused.Code);
        Assert.Empty(_oauth.Requests);
    }

    [Fact]
    public async Task Code_exchange_with_the_right_verifier_issues_the_first_pair()
    {
        var verifier = Pkce.NewVerifier();
        var (code, oaId, state) = await Consent(Pkce.Challenge(verifier), "csrf-123");
        Assert.Equal(_oauth.OaId, oaId);
        Assert.Equal("csrf-123", state);

        var issued = Assert.IsType<ZaloTokenResult.Issued>(
            await ZaloOAuth.ExchangeCodeAsync(_http, _oauth.Url, _oauth.AppId, _oauth.AppSecret, code, verifier, CancellationToken.None));

        Assert.True(_oauth.IsValidAccessToken(issued.AccessToken));
        Assert.Equal(TimeSpan.FromSeconds(FakeZaloOAuthServer.DefaultExpiresInSeconds), issued.ExpiresIn);
        Assert.Equal(1, _oauth.CodeExchangeCount);
        var request = _oauth.Requests.Last();
        Assert.Equal(_oauth.AppSecret, request.Header("secret_key"));
        Assert.Equal(
            [new("code", code), new("app_id", _oauth.AppId), new("grant_type", "authorization_code"), new("code_verifier", verifier)],
            request.Form);

        // Codes are single-use.
        var again = Assert.IsType<ZaloTokenResult.Refused>(
            await ZaloOAuth.ExchangeCodeAsync(_http, _oauth.Url, _oauth.AppId, _oauth.AppSecret, code, verifier, CancellationToken.None));
        Assert.True(again.Definite);
    }

    [Fact]
    public async Task Code_exchange_with_a_wrong_verifier_is_refused()
    {
        var (code, _, _) = await Consent(Pkce.Challenge(Pkce.NewVerifier()), "s");

        var refused = Assert.IsType<ZaloTokenResult.Refused>(await ZaloOAuth.ExchangeCodeAsync(
            _http, _oauth.Url, _oauth.AppId, _oauth.AppSecret, code, Pkce.NewVerifier(), CancellationToken.None));

        Assert.True(refused.Definite);
        Assert.Equal("-14005", refused.Code);
        Assert.Equal(0, _oauth.CodeExchangeCount);
    }

    [Fact]
    public void Issued_pairs_do_not_print_their_tokens()
    {
        var text = new ZaloTokenResult.Issued("access-secret-value", "refresh-secret-value", TimeSpan.FromHours(25)).ToString();
        Assert.DoesNotContain("secret-value", text);
        Assert.Contains(TimeSpan.FromHours(25).ToString(), text);
    }

    /// <summary>The admin's consent, auto-granted by the fake: follows the permission URL to its redirect.</summary>
    private async Task<(string Code, string OaId, string State)> Consent(string challenge, string state)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var response = await browser.GetAsync(ZaloOAuth.PermissionUrl(_oauth.Url, _oauth.AppId, RedirectUri, challenge, state));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri + "&", location);
        var query = FormUrlEncoding.ParseQuery(FormUrlEncoding.QueryOf(location)).ToDictionary(p => p.Key, p => p.Value);
        return (query["code"], query["oa_id"], query["state"]);
    }
}
