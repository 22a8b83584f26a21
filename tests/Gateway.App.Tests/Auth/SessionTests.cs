using System.Net;
using Gateway.App.Features.Auth;
using Microsoft.Extensions.Configuration;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// Sessions end when they should, at once: disabled official, new password, 30 minutes idle, 12 hours old, logout;
/// the cookie is for the web pages only and leaves as HttpOnly, SameSite=Strict, Secure behind the TLS proxy.
/// </summary>
public sealed class SessionTests : IAsyncLifetime
{
    private AuthWebHost _host = null!;

    public async Task InitializeAsync() => _host = await AuthWebHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_disabled_officials_token_stops_working_at_once_even_right_after_a_successful_request()
    {
        var token = await _host.TokenAsync(AuthWebHost.LienSon);
        var admin = await _host.TokenAsync(AuthWebHost.Admin);
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(token)); // a request that any cache would have kept
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(token));

        using (var disable = await _host.SendAsync(HttpMethod.Post, $"/api/admin/officials/{AuthWebHost.LienSon}/disable", admin))
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(token)); // no time passes
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM sessions s JOIN officials o ON o.id = s.official_id WHERE o.username = 'lienson'"));
        using (var again = await _host.TokenResponseAsync(AuthWebHost.LienSon, AuthWebHost.Password))
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);

        using (var enable = await _host.SendAsync(HttpMethod.Post, $"/api/admin/officials/{AuthWebHost.LienSon}/enable", admin))
            Assert.Equal(HttpStatusCode.OK, enable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(token)); // enabling does not bring the old session back
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(await _host.TokenAsync(AuthWebHost.LienSon)));
    }

    [Fact]
    public async Task A_password_change_ends_every_existing_session_and_only_the_new_password_signs_in()
    {
        var api = await _host.TokenAsync(AuthWebHost.PhuTho);
        var (browser, signedIn) = await _host.SignInWithFormAsync(AuthWebHost.PhuTho);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/probe")).StatusCode);

        var admin = await _host.TokenAsync(AuthWebHost.Admin);
        using (var reset = await _host.SendAsync(HttpMethod.Post, $"/api/admin/officials/{AuthWebHost.PhuTho}/password", admin, new { password = "Brand-New-Pass-7" }))
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(api));
        using (var page = await browser.GetAsync("/probe"))
            Assert.StartsWith("/login", page.Headers.Location?.OriginalString); // the browser's cookie is dead too
        using (var old = await _host.TokenResponseAsync(AuthWebHost.PhuTho, AuthWebHost.Password))
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(await _host.TokenAsync(AuthWebHost.PhuTho, "Brand-New-Pass-7")));
        Assert.Contains(await _host.AuditAsync("account.password"), a => a.Actor == AuthWebHost.Admin && a.Target == "official:phutho");
        _host.Logs.AssertNowhere("Brand-New-Pass-7", "the new password");
    }

    [Fact]
    public async Task A_session_issued_from_a_password_checked_before_a_change_is_born_dead()
    {
        var officials = _host.Get<Officials>();
        var check = await officials.VerifyAsync(AuthWebHost.LienSon, AuthWebHost.Password);
        Assert.Equal(Officials.VerifyOutcome.Ok, check.Outcome);

        var admin = await _host.TokenAsync(AuthWebHost.Admin); // the change lands between the check and the insert
        using (var reset = await _host.SendAsync(HttpMethod.Post, $"/api/admin/officials/{AuthWebHost.LienSon}/password", admin, new { password = "Another-Pass-99" }))
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        var late = await _host.Get<Sessions>().IssueAsync(check.Official!, check.SessionVersion);
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(late));
    }

    [Fact]
    public async Task A_session_ends_after_30_idle_minutes_and_after_12_hours_however_busy()
    {
        var idle = await _host.TokenAsync(AuthWebHost.LienSon);
        var busy = await _host.TokenAsync(AuthWebHost.PhuTho);
        for (var i = 0; i < 3; i++)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(busy)); // sliding: each use moves the idle limit on
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(idle)); // 60 minutes unused

        // Used every 20 minutes, it still ends 12 hours after sign-in.
        while (_host.Time.GetUtcNow() < AuthWebHostEpoch + TimeSpan.FromHours(12) - TimeSpan.FromMinutes(20))
        {
            _host.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(busy));
        }
        _host.Time.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(busy));
    }

    [Fact]
    public async Task The_demo_seeding_at_each_start_keeps_sessions_unless_the_password_changed()
    {
        var token = await _host.TokenAsync(AuthWebHost.LienSon);
        var officials = _host.Get<Officials>();
        await officials.CreateOrUpdateAsync(AuthWebHost.LienSon, AuthWebHost.Password, "UBND Xã Liên Sơn", Official.CommuneRole, "04960", "25"); // a restart
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(token));
        await officials.CreateOrUpdateAsync(AuthWebHost.LienSon, "A-New-Demo-Password", "UBND Xã Liên Sơn", Official.CommuneRole, "04960", "25");
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(token));
    }

    private static readonly DateTimeOffset AuthWebHostEpoch = Infrastructure.GatewayTestHost.Epoch;

    [Fact]
    public async Task The_cookie_signs_in_web_pages_but_is_refused_on_the_api_where_only_a_bearer_token_counts()
    {
        var (browser, signedIn) = await _host.SignInWithFormAsync(AuthWebHost.LienSon);
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        using (var page = await browser.GetAsync("/probe"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var api = await browser.GetAsync("/api/probe"))
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using (var logout = await browser.PostAsync("/api/auth/logout", null))
            Assert.Equal(HttpStatusCode.Unauthorized, logout.StatusCode); // the API's logout wants the bearer token too

        var token = await _host.TokenAsync(AuthWebHost.LienSon);
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(token));
    }

    [Fact]
    public async Task Api_logout_revokes_the_bearer_token_and_only_that_one()
    {
        var first = await _host.TokenAsync(AuthWebHost.LienSon);
        var second = await _host.TokenAsync(AuthWebHost.LienSon);
        using (var logout = await _host.SendAsync(HttpMethod.Post, "/api/auth/logout", first))
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await _host.ProbeAsync(first));
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(second));
        using (var twice = await _host.SendAsync(HttpMethod.Post, "/api/auth/logout", first))
            Assert.Equal(HttpStatusCode.Unauthorized, twice.StatusCode);
        Assert.Contains(await _host.AuditAsync("auth.logout"), a => a.Actor == AuthWebHost.LienSon);
    }

    [Fact]
    public async Task The_cookie_is_HttpOnly_and_strict_and_Secure_with_HSTS_when_the_known_proxy_says_https()
    {
        var (_, plain) = await _host.SignInWithFormAsync(AuthWebHost.LienSon);
        var cookie = SessionCookie(plain);
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
        Assert.DoesNotContain("secure", cookie); // plain HTTP, no proxy: a Secure cookie would never come back
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));

        // (HSTS is never sent to localhost names: the proxy passes the public host on.)
        var (_, viaProxy) = await _host.SignInWithFormAsync(AuthWebHost.LienSon,
            headers: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https", ["Host"] = "gateway.test" });
        var secure = SessionCookie(viaProxy);
        Assert.Contains("secure", secure);
        Assert.Contains("samesite=strict", secure);
        Assert.True(viaProxy.Headers.Contains("Strict-Transport-Security"), "HSTS on an HTTPS response outside Development");
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_from_the_configured_proxies_only()
    {
        await using var host = await AuthWebHost.StartAsync(new Dictionary<string, string?> { ["Gateway:KnownProxies"] = "10.20.30.40, 10.99.0.0/16" });
        var (_, response) = await host.SignInWithFormAsync(AuthWebHost.LienSon, headers: new Dictionary<string, string> { ["X-Forwarded-Proto"] = "https" });
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.DoesNotContain("secure", SessionCookie(response)); // loopback is no longer a known proxy
        Assert.Equal(["10.20.30.40", "10.99.0.0/16"], TransportSecurity.KnownProxies(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:KnownProxies"] = "10.20.30.40, 10.99.0.0/16" }).Build()));
    }

    private static string SessionCookie(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Set-Cookie", out var cookies), $"no Set-Cookie: {(int)response.StatusCode}");
        var session = cookies!.FirstOrDefault(c => c.StartsWith(TokenAuthenticationHandler.CookieName + "="));
        Assert.True(session is not null, "no gw_session cookie in: " + string.Join(" | ", cookies!));
        return session!.ToLowerInvariant();
    }
}
