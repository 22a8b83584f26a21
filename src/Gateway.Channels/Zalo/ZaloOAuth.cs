using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Channels.Zalo;

/// <summary>
/// Zalo OAuth v4 for OA tokens (protocols.md §B5), client side: the consent URL, the code exchange and the
/// refresh. Stateless: the gateway keeps the pair, the single-flight lock and the schedule.
/// </summary>
public static class ZaloOAuth
{
    public const string DefaultBaseUrl = "https://oauth.zaloapp.com";
    public const string PermissionPath = "/v4/oa/permission";
    public const string TokenPath = "/v4/oa/access_token";

    /// <summary>
    /// The lifetime assumed when Zalo issues a pair without a readable <c>expires_in</c>: the shortest ever
    /// documented (§C-8), so the gateway renews too early rather than too late. The pair itself is kept: the
    /// old refresh token is already spent.
    /// </summary>
    public static readonly TimeSpan FallbackLifetime = TimeSpan.FromHours(1);

    /// <summary>Where the OA admin grants the app access; Zalo redirects to <paramref name="redirectUri"/> with <c>code</c>, <c>oa_id</c> and <c>state</c>.</summary>
    /// <param name="codeChallenge"><see cref="Pkce.Challenge"/> of a verifier the gateway keeps for the exchange.</param>
    public static string PermissionUrl(string? baseUrl, string appId, string redirectUri, string codeChallenge, string state) =>
        $"{Base(baseUrl)}{PermissionPath}?" + FormUrlEncoding.Encode(
        [
            new("app_id", appId),
            new("redirect_uri", redirectUri),
            new("code_challenge", codeChallenge),
            new("state", state),
        ]);

    /// <summary>Trades the consent redirect's <c>code</c> (single-use, short-lived) for the OA's first pair.</summary>
    public static Task<ZaloTokenResult> ExchangeCodeAsync(HttpClient http, string? baseUrl, string appId, string appSecret,
        string code, string codeVerifier, CancellationToken ct) =>
        PostAsync(http, baseUrl, appId, appSecret,
            [new("code", code), new("app_id", appId), new("grant_type", "authorization_code"), new("code_verifier", codeVerifier)],
            [appSecret, code, codeVerifier], ct);

    /// <summary>
    /// Spends <paramref name="refreshToken"/> for a new pair. Zalo invalidates it on success, so a second call
    /// with the same token is refused: persist <see cref="ZaloTokenResult.Issued"/> before anything else.
    /// </summary>
    public static Task<ZaloTokenResult> RefreshAsync(HttpClient http, string? baseUrl, string appId, string appSecret,
        string refreshToken, CancellationToken ct) =>
        PostAsync(http, baseUrl, appId, appSecret,
            [new("refresh_token", refreshToken), new("app_id", appId), new("grant_type", "refresh_token")],
            [appSecret, refreshToken], ct);

    private static string Base(string? baseUrl) => (string.IsNullOrEmpty(baseUrl) ? DefaultBaseUrl : baseUrl).TrimEnd('/');

    private static async Task<ZaloTokenResult> PostAsync(HttpClient http, string? baseUrl, string appId, string appSecret,
        KeyValuePair<string, string>[] form, string[] secrets, CancellationToken ct)
    {
        // Configuration gaps are definite: no retry fills them.
        if (string.IsNullOrEmpty(appId)) return new ZaloTokenResult.Refused(true, "config", null, "no Zalo app id configured");
        if (string.IsNullOrEmpty(appSecret)) return new ZaloTokenResult.Refused(true, "config", null, "no Zalo App Secret configured");
        if (form.Any(f => string.IsNullOrEmpty(f.Value)))
            return new ZaloTokenResult.Refused(true, "config", null, $"no {form.First(f => string.IsNullOrEmpty(f.Value)).Key} to send");

        using var request = new HttpRequestMessage(HttpMethod.Post, Base(baseUrl) + TokenPath)
        {
            Content = new StringContent(FormUrlEncoding.Encode(form), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        // The App Secret goes in a header (the SDKs' way, §C-13), never in the body or the URL.
        request.Headers.TryAddWithoutValidation("secret_key", appSecret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ZaloTokenResult.Refused(false, "timeout", null, "Zalo OAuth did not answer in time");
        }
        catch (HttpRequestException e)
        {
            return new ZaloTokenResult.Refused(false, "network", null, Scrub(e.Message, secrets));
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(ct);
            // Server trouble says nothing about the token, whatever the body holds.
            if (status is 408 or 429 or >= 500)
                return new ZaloTokenResult.Refused(false, $"http-{status}", null, $"Zalo OAuth answered HTTP {status}");
            return Scrub(Parse(body, response.IsSuccessStatusCode, status), secrets);
        }
    }

    /// <summary>
    /// <c>{"access_token","refresh_token","expires_in":"90000"}</c> at the top level, no envelope. Errors come
    /// as a negative <c>error</c> with <c>error_name</c> / <c>error_description</c> / <c>error_reason</c>, often
    /// with HTTP 200 and sometimes beside empty token fields.
    /// </summary>
    internal static ZaloTokenResult Parse(string body, bool success, int status)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(body); }
        catch (JsonException)
        {
            return new ZaloTokenResult.Refused(false, success ? "bad-response" : $"http-{status}", null, "Zalo OAuth's answer is not JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return new ZaloTokenResult.Refused(false, "bad-response", null, "Zalo OAuth's answer is not a JSON object");

            var error = Json.Int(root, "error");
            var errorName = NonEmpty(Json.String(root, "error_name"));
            var access = NonEmpty(Json.String(root, "access_token"));
            var refresh = NonEmpty(Json.String(root, "refresh_token"));

            if (error is not null and not 0 || (errorName is not null && access is null))
            {
                var description = NonEmpty(Json.String(root, "error_description")) ?? NonEmpty(Json.String(root, "error_reason"))
                    ?? errorName ?? NonEmpty(Json.String(root, "message")) ?? "Zalo OAuth refused the request";
                // Zalo's rate limit and "unknown error" are no verdict on the token: retry those.
                var definite = error is not (-32 or -100);
                return new ZaloTokenResult.Refused(definite, error?.ToString(CultureInfo.InvariantCulture) ?? "oauth-error", errorName, description);
            }
            if (!success)
                return new ZaloTokenResult.Refused(false, $"http-{status}", null, $"Zalo OAuth answered HTTP {status} without an error");
            if (access is null || refresh is null)
                return new ZaloTokenResult.Refused(false, "bad-response", null,
                    $"Zalo OAuth's answer has no {(access is null ? "access_token" : "refresh_token")}");
            return new ZaloTokenResult.Issued(access, refresh, Lifetime(Json.String(root, "expires_in")));
        }
    }

    /// <summary><c>expires_in</c> is a string of seconds ("90000"); a number is accepted too.</summary>
    private static TimeSpan Lifetime(string? expiresIn) =>
        double.TryParse(expiresIn, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < int.MaxValue
            ? TimeSpan.FromSeconds(seconds)
            : FallbackLifetime;

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    private static ZaloTokenResult Scrub(ZaloTokenResult result, string[] secrets) =>
        result is ZaloTokenResult.Refused r
            ? r with { Description = Scrub(r.Description, secrets), ErrorName = r.ErrorName is null ? null : Scrub(r.ErrorName, secrets) }
            : result;

    /// <summary>Whatever an error text echoes back, the secret, the code and the tokens never leave in it.</summary>
    private static string Scrub(string text, string[] secrets)
    {
        foreach (var secret in secrets)
            if (!string.IsNullOrEmpty(secret)) text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
