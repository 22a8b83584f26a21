using System.Net;
using Gateway.App.Features.Auth;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// Password guessing is slowed per account and per client address (429 + Retry-After, then a 15-minute lock), the
/// counts live in the database, a success resets the account, and neither the passwords nor the attempted username
/// reach the logs. Defaults: 3 free failures, doubling delays from 1 s, locked at 10 for 15 min.
/// </summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private AuthWebHost _host = null!;

    public async Task InitializeAsync() => _host = await AuthWebHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Guess(int i) => $"Guess-{i:D2}-Zq9!x";

    private static int RetryAfter(HttpResponseMessage response)
    {
        Assert.True(response.Headers.RetryAfter?.Delta is not null, $"a 429 carries Retry-After in seconds: {response.Headers}");
        return (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
    }

    [Fact]
    public async Task Fifty_wrong_passwords_are_slowed_then_locked_and_the_right_one_waits_out_the_lock()
    {
        // A burst: the first 3 failures are free, everything after waits (no thread sleeps: the 47 answers are immediate).
        var burst = new List<HttpStatusCode>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await _host.TokenResponseAsync(AuthWebHost.LienSon, Guess(i));
            burst.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.InRange(RetryAfter(response), 1, 1);
        }
        Assert.Equal(3, burst.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(47, burst.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(3, (await _host.AuditAsync("auth.login")).Count(a => a.Outcome == "denied")); // only 3 passwords were checked

        // A patient guesser waits each Retry-After out: the delays double until the 10th failure locks the account.
        var waits = new List<int>();
        var checkedPasswords = 3;
        for (var i = 0; i < 50 && waits.LastOrDefault() < 15 * 60; i++)
        {
            using var response = await _host.TokenResponseAsync(AuthWebHost.LienSon, Guess(50 + i));
            if (response.StatusCode == HttpStatusCode.Unauthorized) { checkedPasswords++; continue; }
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            var wait = RetryAfter(response);
            waits.Add(wait);
            if (wait < 15 * 60) _host.Time.Advance(TimeSpan.FromSeconds(wait));
        }
        Assert.Equal(10, checkedPasswords);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 900], waits.Distinct());
        Assert.Single(await _host.AuditAsync("auth.lock"), a => a.Actor == AuthWebHost.LienSon && a.Target == "account");

        // During the lock even the right password is refused, over the API and the form alike.
        using (var right = await _host.TokenResponseAsync(AuthWebHost.LienSon, AuthWebHost.Password))
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        var (_, form) = await _host.SignInWithFormAsync(AuthWebHost.LienSon);
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.Contains("thử lại sau 15 phút", await form.Content.ReadAsStringAsync());
        _host.Time.Advance(TimeSpan.FromMinutes(14));
        using (var stillLocked = await _host.TokenResponseAsync(AuthWebHost.LienSon, AuthWebHost.Password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
            Assert.InRange(RetryAfter(stillLocked), 1, 60);
        }

        // After the lock the right password works, and the success starts the account's count again (asked from another
        // address: this one has 10 failures of its own by now).
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        var token = await _host.TokenAsync(AuthWebHost.LienSon);
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(token));
        for (var i = 0; i < 3; i++)
        {
            using var again = await _host.TokenResponseAsync(AuthWebHost.LienSon, Guess(200 + i), "198.51.100.7");
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        // Nothing of it in the logs: no password, no username but its masked form.
        for (var i = 0; i < 203; i++) _host.Logs.AssertNowhere(Guess(i), $"guess {i}");
        _host.Logs.AssertNowhere(AuthWebHost.Password, "the right password");
        _host.Logs.AssertNowhere(AuthWebHost.LienSon, "the username");
        Assert.Contains(_host.Logs.Lines, l => l.Contains("li***") && l.Contains("refused"));
        Assert.DoesNotContain(await _host.AuditAsync(), a => a.ToString().Contains("Guess-") || a.ToString().Contains(AuthWebHost.Password));
    }

    [Fact]
    public async Task The_lock_is_in_the_database_so_a_second_instance_refuses_too()
    {
        for (var i = 0; i < 3; i++) (await _host.TokenResponseAsync(AuthWebHost.PhuTho, Guess(i))).Dispose();
        var row = await _host.ScalarAsync<long>("SELECT failures FROM sign_in_throttle WHERE throttle_key = @key",
            new { key = SignInThrottle.AccountKey(AuthWebHost.PhuTho) });
        Assert.Equal(3, row);

        // Another instance's throttle on the same database (here: a second service over the same Db) sees the wait.
        var other = new SignInThrottle(_host.Get<Gateway.App.Infrastructure.Database.Db>(), _host.Time, _host.Get<Microsoft.Extensions.Options.IOptions<AuthOptions>>());
        var admission = await other.AdmitAsync(AuthWebHost.PhuTho, "192.0.2.77");
        Assert.False(admission.Admitted);
        Assert.Equal(1, admission.RetryAfterSeconds);
    }

    [Fact]
    public async Task One_address_guessing_many_accounts_is_slowed_while_another_address_is_not()
    {
        const string attacker = "203.0.113.9";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await _host.TokenResponseAsync($"nobody{i}", Guess(i), attacker);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), statuses.Take(10)); // one failure per account, 10 for the address
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);

        using (var neighbour = await _host.TokenResponseAsync(AuthWebHost.LienSon, AuthWebHost.Password, "198.51.100.4"))
            Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        // IPv6: the whole /64 is one client.
        Assert.Equal("2001:db8:1:2::/64", ClientAddress.Of(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal("192.0.2.1", ClientAddress.Of(IPAddress.Parse("::ffff:192.0.2.1")));
        _host.Logs.AssertNowhere("nobody", "an attempted username that is no account");
        Assert.All(await _host.AuditAsync("auth.login"), a => Assert.DoesNotContain("nobody", a.Actor));
    }

    [Fact]
    public async Task An_over_long_username_is_refused_before_any_lookup()
    {
        var tooLong = new string('a', SignIn.MaxUsernameLength + 1);
        using (var response = await _host.TokenResponseAsync(tooLong, "whatever-password"))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (_, form) = await _host.SignInWithFormAsync(tooLong, "whatever-password");
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.DoesNotContain(tooLong, await form.Content.ReadAsStringAsync()); // not even echoed back into the form
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM sign_in_throttle"));
        Assert.Empty(await _host.AuditAsync("auth.login"));

        using (var longest = await _host.TokenResponseAsync(new string('a', SignIn.MaxUsernameLength), "whatever-password"))
            Assert.Equal(HttpStatusCode.Unauthorized, longest.StatusCode);
    }

    [Fact]
    public async Task Counts_are_forgotten_after_an_hour_without_failures()
    {
        for (var i = 0; i < 3; i++) (await _host.TokenResponseAsync("nobody-old", Guess(i), "203.0.113.50")).Dispose();
        using (var waiting = await _host.TokenResponseAsync("nobody-old", Guess(3), "203.0.113.50"))
            Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);

        _host.Time.Advance(TimeSpan.FromMinutes(61));
        for (var i = 0; i < 3; i++)
        {
            using var fresh = await _host.TokenResponseAsync("nobody-old", Guess(10 + i), "203.0.113.51");
            Assert.Equal(HttpStatusCode.Unauthorized, fresh.StatusCode); // three free failures again
        }
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM sign_in_throttle WHERE throttle_key = 'address:203.0.113.50'"));
    }

    [Fact]
    public void The_delay_doubles_from_the_free_failures_and_locks_at_the_limit()
    {
        var policy = new SignInThrottleOptions().Account;
        Assert.Equal(new[] { 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 900, 900 }, Enumerable.Range(0, 12).Select(n => (int)policy.DelayAfter(n).TotalSeconds));
        var capped = new SignInThrottleOptions { AccountLockAfter = 40 }.Account;
        Assert.Equal(TimeSpan.FromMinutes(5), capped.DelayAfter(30));
    }
}
