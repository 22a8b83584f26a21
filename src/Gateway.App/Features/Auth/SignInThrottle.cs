using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Auth;

/// <summary>
/// Slows down password guessing, per account and per client address, with the counts in the database so every
/// instance agrees. An attempt is counted as a failure before the password is checked (and forgiven on success):
/// a burst of parallel guesses cannot all slip through before the first failure is recorded.
/// </summary>
/// <remarks>A refused attempt is answered at once (429 + Retry-After); no request thread sleeps.</remarks>
public sealed class SignInThrottle(Db db, TimeProvider time, IOptions<AuthOptions> options)
{
    private SignInThrottleOptions O => options.Value.SignIn;

    public SignInThrottleOptions Options => O;

    /// <summary>The account's key: a hash, so a password typed into the username field is not stored either.</summary>
    public static string AccountKey(string username) =>
        "account:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(username.ToLowerInvariant())));

    public static string AddressKey(string address) => "address:" + address;

    /// <summary>Refuses the attempt while either key waits, else counts it as a failure in advance.</summary>
    public async Task<Admission> AdmitAsync(string username, string address)
    {
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        // Counts nobody added to within the window are forgotten anyway: dropping them keeps the table as small as the
        // last hour's guessing (an attacker's made-up usernames included).
        await c.ExecuteAsync("DELETE FROM sign_in_throttle WHERE last_failure_at < @staleBefore AND (blocked_until IS NULL OR blocked_until <= @now)",
            new { staleBefore = now - (long)O.FailureWindow.TotalMilliseconds, now }, tx);
        // Always the account first, then the address: two attempts never wait on each other's second key.
        var account = await CountAsync(c, tx, AccountKey(username), O.Account, now);
        if (account.RetryAfter is { } accountWait) return new Admission(false, accountWait, account.Failures, 0);
        var byAddress = await CountAsync(c, tx, AddressKey(address), O.Address, now);
        if (byAddress.RetryAfter is { } addressWait) return new Admission(false, addressWait, account.Failures, byAddress.Failures); // rolls back the account's count
        await tx.CommitAsync();
        return new Admission(true, null, account.Failures, byAddress.Failures);
    }

    /// <summary>The right password: the account starts from zero again, and the address takes back this attempt only.</summary>
    /// <remarks>The address is not reset: one valid account must not clear the way to guessing others from there.</remarks>
    public async Task SucceededAsync(string username, string address)
    {
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        await c.ExecuteAsync("DELETE FROM sign_in_throttle WHERE throttle_key = @key", new { key = AccountKey(username) }, tx);
        var key = AddressKey(address);
        var row = await c.QuerySingleOrDefaultAsync<Row>("SELECT failures AS Failures, last_failure_at AS LastFailureAt FROM sign_in_throttle WHERE throttle_key = @key", new { key }, tx);
        if (row is not null)
        {
            var failures = Math.Max(0, row.Failures - 1);
            await c.ExecuteAsync("UPDATE sign_in_throttle SET failures = @failures, blocked_until = @until WHERE throttle_key = @key",
                new { failures, until = Until(row.LastFailureAt, O.Address.DelayAfter((int)failures)), key }, tx);
        }
        await tx.CommitAsync();
    }

    /// <summary>An admin's reset password or re-enable also lifts the account's lock.</summary>
    public async Task ResetAccountAsync(DbConnection c, DbTransaction tx, string username) =>
        await c.ExecuteAsync("DELETE FROM sign_in_throttle WHERE throttle_key = @key", new { key = AccountKey(username) }, tx);

    private async Task<(long Failures, TimeSpan? RetryAfter)> CountAsync(DbConnection c, DbTransaction tx, string key, ThrottlePolicy policy, long now)
    {
        await c.ExecuteAsync(db.Dialect.InsertIgnore("sign_in_throttle", "throttle_key, failures, last_failure_at, blocked_until",
            "@key, 0, @now, NULL", "throttle_key = @key"), new { key, now }, tx);
        // The UPDATE takes the row's lock first (SQL Server), so instances count one attempt at a time per key.
        var staleBefore = now - (long)O.FailureWindow.TotalMilliseconds;
        await c.ExecuteAsync(
            """
            UPDATE sign_in_throttle SET
                failures = CASE WHEN blocked_until > @now THEN failures WHEN last_failure_at < @staleBefore THEN 1 ELSE failures + 1 END,
                last_failure_at = CASE WHEN blocked_until > @now THEN last_failure_at ELSE @now END
            WHERE throttle_key = @key
            """, new { key, now, staleBefore }, tx);
        var row = await c.QuerySingleAsync<Row>(
            "SELECT failures AS Failures, last_failure_at AS LastFailureAt, blocked_until AS BlockedUntil FROM sign_in_throttle WHERE throttle_key = @key", new { key }, tx);
        if (row.BlockedUntil is { } blocked && blocked > now) return (row.Failures, TimeSpan.FromMilliseconds(blocked - now));
        await c.ExecuteAsync("UPDATE sign_in_throttle SET blocked_until = @until WHERE throttle_key = @key",
            new { until = Until(now, policy.DelayAfter((int)Math.Min(row.Failures, int.MaxValue))), key }, tx);
        return (row.Failures, null);
    }

    private static long? Until(long from, TimeSpan delay) => delay <= TimeSpan.Zero ? null : from + (long)delay.TotalMilliseconds;

    /// <param name="Admitted">False: refuse with 429 and <paramref name="RetryAfter"/>.</param>
    /// <param name="AccountFailures">The account's failures counting this attempt (when admitted).</param>
    public sealed record Admission(bool Admitted, TimeSpan? RetryAfter, long AccountFailures, long AddressFailures)
    {
        /// <summary>Whole seconds for the Retry-After header, never 0.</summary>
        public int RetryAfterSeconds => RetryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 0;
    }

    private sealed class Row
    {
        public long Failures { get; init; }
        public long LastFailureAt { get; init; }
        public long? BlockedUntil { get; init; }
    }
}
