using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Accounts and access (issue 7) on the real process: the bootstrap admin manages officials, a disabled official's
/// token stops at once, sign-in guessing is slowed and locked (here with short delays), the cookie is not accepted on
/// /api, and API logout revokes the token. Own gateway: its throttle settings and counters are its own.
/// </summary>
public sealed partial class AccountsTests(AccountsGatewayFixture f) : IClassFixture<AccountsGatewayFixture>
{
    private static int _addresses;

    /// <summary>A client address of its own for each test (the test client is on loopback, the default known proxy).</summary>
    private static string NewClientAddress() => $"192.0.2.{Interlocked.Increment(ref _addresses) + 10}";

    private async Task<HttpResponseMessage> TokenResponseAsync(string username, string password, string address)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username, password }) };
        request.Headers.Add("X-Forwarded-For", address);
        return await f.Gateway.Http.SendAsync(request);
    }

    private async Task<string> TokenAsync(string username, string password)
    {
        using var response = await TokenResponseAsync(username, password, NewClientAddress());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token for {username}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await f.Gateway.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> AdminAsync() => await TokenAsync(AccountsGatewayFixture.Admin, AccountsGatewayFixture.AdminPassword);

    /// <summary>A new commune officer of Xã Liên Sơn, created by the admin.</summary>
    private async Task<string> NewOfficerAsync(string admin, string username, string password)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/admin/officials", admin,
            new { username, displayName = "Cán bộ thử nghiệm", role = "commune", communeCode = Demo.LienSonCode, password });
        Assert.True(status == HttpStatusCode.Created, $"create {username}: {(int)status} {body}");
        return username;
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];

    [Fact]
    public Task The_admin_creates_disables_and_resets_and_a_disabled_officials_token_stops_at_once() => f.RunAsync(async () =>
    {
        var admin = await AdminAsync();
        var username = await NewOfficerAsync(admin, Unique("canbo"), "Initial-Pass-1234");
        var token = await TokenAsync(username, "Initial-Pass-1234");
        var inbox = $"/api/communes/{Demo.LienSonCode}/conversations";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, inbox, token)).Status);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/admin/officials/{username}/disable", admin)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, inbox, token)).Status);
        using (var refused = await TokenResponseAsync(username, "Initial-Pass-1234", NewClientAddress()))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/admin/officials/{username}/enable", admin)).Status);
        var again = await TokenAsync(username, "Initial-Pass-1234");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/api/admin/officials/{username}/password", admin, new { password = "Second-Pass-5678" })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, inbox, again)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, inbox, await TokenAsync(username, "Second-Pass-5678"))).Status);

        // A province officer is no admin.
        var province = await f.Api.TokenAsync(Demo.ProvinceOfficer);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/api/admin/officials", province)).Status);
        var admin403 = await SendAsync(HttpMethod.Get, $"/api/communes/{Demo.LienSonCode}/conversations", admin);
        Assert.True(admin403.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"an admin reads no inbox: {(int)admin403.Status}");

        var audit = DatabaseInspector.Rows(f.Gateway.DatabasePath).Where(r => r.Table == "audit_log" && r.Texts.Contains($"official:{username}")).ToList();
        foreach (var action in new[] { "account.create", "account.disable", "account.enable", "account.password" })
            Assert.Contains(audit, r => r.Texts.Contains(action) && r.Texts.Contains("ok"));
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, "Second-Pass-5678"));
    });

    [Fact]
    public Task Fifty_wrong_passwords_are_slowed_and_locked_and_the_right_one_works_after_the_lock() => f.RunAsync(async () =>
    {
        var admin = await AdminAsync();
        var username = await NewOfficerAsync(admin, Unique("doanmo"), "Right-Pass-24680");
        var address = NewClientAddress();
        string Guess(int i) => $"Wrong-{i:D2}-Pw-{username[^4..]}";

        // A burst of 50: at most the 3 free failures and the few whose short delay had passed get their password checked.
        var burst = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await TokenResponseAsync(username, Guess(i), address);
            burst.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 with Retry-After");
            else Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.InRange(burst.Count(s => s == HttpStatusCode.Unauthorized), 3, 10);
        Assert.True(burst.Count(s => s == HttpStatusCode.TooManyRequests) >= 40, string.Join(",", burst.Select(s => (int)s)));

        // Keep guessing until locked: exactly 10 passwords are ever checked.
        var guesses = 50;
        TimeSpan? lockWait = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (lockWait is null && DateTime.UtcNow < deadline)
        {
            using var response = await TokenResponseAsync(username, Guess(guesses++), address);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter!.Delta >= TimeSpan.FromSeconds(3))
                lockWait = response.Headers.RetryAfter.Delta;
            else await Task.Delay(150);
        }
        Assert.NotNull(lockWait);
        var denied = DatabaseInspector.Rows(f.Gateway.DatabasePath)
            .Count(r => r.Table == "audit_log" && r.Texts.Contains("auth.login") && r.Texts.Contains(username) && r.Texts.Contains("denied"));
        Assert.Equal(10, denied);

        using (var locked = await TokenResponseAsync(username, "Right-Pass-24680", address))
            Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        await Task.Delay(lockWait!.Value + TimeSpan.FromMilliseconds(500));
        using (var after = await TokenResponseAsync(username, "Right-Pass-24680", NewClientAddress()))
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        var output = f.Gateway.LogTail(4000);
        for (var i = 0; i < guesses; i++) Assert.DoesNotContain(Guess(i), output);
        Assert.DoesNotContain("Right-Pass-24680", output);
        Assert.DoesNotContain(username, output);
        Assert.Contains(username[..2] + "***", output);
    });

    [Fact]
    public Task The_session_cookie_opens_the_web_pages_but_not_the_api() => f.RunAsync(async () =>
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = f.Gateway.BaseUrl };
        var login = await browser.GetStringAsync("/login");
        using var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_af"] = AntiforgeryField().Match(login).Groups[1].Value, ["username"] = Demo.LienSonOfficer, ["password"] = GatewayProcess.DemoPassword, ["returnUrl"] = "/inbox",
        }));
        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var setCookie = string.Join(" | ", signIn.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains("gw_session=", setCookie);
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);

        using (var page = await browser.GetAsync("/inbox"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var api = await browser.GetAsync($"/api/communes/{Demo.LienSonCode}/conversations"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    });

    [Fact]
    public Task Api_logout_revokes_the_bearer_token() => f.RunAsync(async () =>
    {
        var token = await TokenAsync(Demo.BanHoOfficer, GatewayProcess.DemoPassword);
        var inbox = $"/api/communes/{Demo.BanHoCode}/conversations";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, inbox, token)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Post, "/api/auth/logout", token)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, inbox, token)).Status);
    });

    [GeneratedRegex("name=_af value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>A gateway with a bootstrap admin and sign-in delays short enough to wait out in a test.</summary>
public sealed class AccountsGatewayFixture : GatewayFixture
{
    public const string Admin = "admin";
    public const string AdminPassword = "E2e-Boss-Passw0rd!";

    public AccountsGatewayFixture()
    {
        ExtraEnvironment["Accounts__BootstrapAdmin"] = Admin;
        ExtraEnvironment["Accounts__BootstrapAdminPassword"] = AdminPassword;
        ExtraEnvironment["Auth__SignIn__BaseDelay"] = "00:00:00.100";
        ExtraEnvironment["Auth__SignIn__MaxDelay"] = "00:00:00.400";
        ExtraEnvironment["Auth__SignIn__LockDuration"] = "00:00:04";
    }
}
