using Gateway.Channels.Zalo;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zalo;

/// <summary>Token-endpoint answers as Zalo words them (or garbles them), served over HTTP, and what the client makes of each.</summary>
public sealed class ZaloOAuthAnswerTests
{
    public static TheoryData<int, string, string> Refusals => new()
    {
        // HTTP status, body, expected "definite|code"
        { 200, """{"error":-14014,"error_name":"Invalid refresh token.","message":"","access_token":"","refresh_token":""}""", "True|-14014" },
        { 200, """{"error":-14002,"error_name":"Invalid appId","error_description":"app id is invalid","error_reason":"","ref_doc":""}""", "True|-14002" },
        { 200, """{"error_name":"invalid_grant","error_reason":"refresh token expired"}""", "True|oauth-error" },
        { 400, """{"error":-14005,"error_name":"Invalid code"}""", "True|-14005" },
        { 200, """{"error":-32,"error_name":"Reached limit call API"}""", "False|-32" },
        { 200, """{"error":-100,"error_name":"Unknown error"}""", "False|-100" },
        { 500, """{"error":-14014,"error_name":"Invalid refresh token"}""", "False|http-500" },
        { 503, "", "False|http-503" },
        { 429, "", "False|http-429" },
        { 400, "<html>Bad Request</html>", "False|http-400" },
        { 200, "<html>maintenance</html>", "False|bad-response" },
        { 200, """{"access_token":"at-only","expires_in":"90000"}""", "False|bad-response" },
        { 200, "{}", "False|bad-response" },
        { 200, "[1]", "False|bad-response" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusals_are_definite_only_when_zalo_said_no(int status, string body, string expected)
    {
        var refused = Assert.IsType<ZaloTokenResult.Refused>(await RefreshAgainst(status, body));
        Assert.Equal(expected, $"{refused.Definite}|{refused.Code}");
        Assert.False(string.IsNullOrWhiteSpace(refused.Description));
    }

    [Theory]
    [InlineData("\"90000\"", 90000)]
    [InlineData("3600", 3600)]
    [InlineData("\"86400.0\"", 86400)]
    public async Task Expires_in_is_read_as_a_string_or_a_number(string expiresIn, int seconds)
    {
        var issued = Assert.IsType<ZaloTokenResult.Issued>(
            await RefreshAgainst(200, $$"""{"access_token":"at","refresh_token":"rt","expires_in":{{expiresIn}}}"""));
        Assert.Equal(new ZaloTokenResult.Issued("at", "rt", TimeSpan.FromSeconds(seconds)), issued);
    }

    [Theory]
    [InlineData("")]
    [InlineData(""","expires_in":"soon" """)]
    [InlineData(""","expires_in":"0" """)]
    public async Task A_pair_without_a_readable_lifetime_is_kept_with_the_short_fallback(string expiresIn)
    {
        // The old refresh token is already spent, so the pair must not be thrown away.
        var issued = Assert.IsType<ZaloTokenResult.Issued>(
            await RefreshAgainst(200, $$"""{"access_token":"at","refresh_token":"rt"{{expiresIn}}}"""));
        Assert.Equal(ZaloOAuth.FallbackLifetime, issued.ExpiresIn);
    }

    [Fact]
    public async Task Error_texts_that_echo_the_request_lose_the_secret_and_the_token()
    {
        const string secret = "app-secret-9f8e7d";
        const string token = "rt-4c3b2a19";
        await using var zalo = await RecordingServer.StartAsync((request, _) =>
            (200, System.Text.Json.JsonSerializer.Serialize(new
            {
                error = -14014,
                error_name = $"Invalid refresh token {request.FormValue("refresh_token")}",
                error_description = $"secret {request.Header("secret_key")} body {request.BodyText}",
            })));
        using var http = new HttpClient();

        var refused = Assert.IsType<ZaloTokenResult.Refused>(
            await ZaloOAuth.RefreshAsync(http, zalo.Url, "123", secret, token, CancellationToken.None));

        Assert.True(refused.Definite);
        Assert.DoesNotContain(secret, refused.ToString());
        Assert.DoesNotContain(token, refused.ToString());
        Assert.Contains("***", refused.Description);
    }

    private static async Task<ZaloTokenResult> RefreshAgainst(int status, string body)
    {
        await using var zalo = await RecordingServer.StartAsync((_, _) => (status, body));
        using var http = new HttpClient();
        return await ZaloOAuth.RefreshAsync(http, zalo.Url, "123", "secret", "rt-old", CancellationToken.None);
    }
}
