using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Auth;

/// <summary>
/// Opaque bearer tokens (also carried in the web UI's cookie). Only their SHA-256 is stored, so a copy of
/// the database cannot be used to sign in; signing out deletes the row.
/// </summary>
/// <remarks>
/// Every request reads its session row joined to the official (two primary-key lookups), with no in-process cache:
/// a disabled official or a changed password (<see cref="EndAllAsync"/>) then ends the session on every instance at
/// the next request, with nothing to invalidate. A cached hit would need the same round trip to check the official
/// anyway. The row is written back (last use) at most once per <see cref="AuthOptions.TouchInterval"/>.
/// </remarks>
public sealed class Sessions(Db db, TimeProvider time, IOptions<AuthOptions> options)
{
    private AuthOptions O => options.Value;

    /// <summary>How long the browser keeps the cookie (the server ends the session sooner if it lies idle).</summary>
    public TimeSpan AbsoluteLifetime => O.AbsoluteLifetime;

    public TimeSpan IdleTimeout => O.IdleTimeout;

    /// <param name="sessionVersion">The official's version read when the password was checked: a password change or a
    /// disable between that check and this insert bumps it, and this session is born dead.</param>
    public async Task<string> IssueAsync(Official official, long sessionVersion)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        // The official's own dead sessions go as they sign in again: the table does not grow with every sign-in.
        await c.ExecuteAsync("DELETE FROM sessions WHERE official_id = @id AND (expires_at <= @now OR COALESCE(last_used_at, created_at) <= @idleBefore)",
            new { id = official.Id, now, idleBefore = now - (long)O.IdleTimeout.TotalMilliseconds }, tx);
        await c.ExecuteAsync(
            "INSERT INTO sessions (token_hash, official_id, created_at, expires_at, session_version, last_used_at) VALUES (@hash, @id, @now, @expires, @sessionVersion, @now)",
            new { hash = Hash(token), id = official.Id, now, expires = now + (long)O.AbsoluteLifetime.TotalMilliseconds, sessionVersion }, tx);
        await tx.CommitAsync();
        return token;
    }

    public async Task<Official?> FindAsync(string token)
    {
        var hash = Hash(token);
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        var row = await c.QuerySingleOrDefaultAsync<SessionRow>(
            """
            SELECT o.id AS Id, o.username AS Username, o.display_name AS DisplayName, o.role AS Role, o.commune_code AS CommuneCode,
                   o.province_code AS ProvinceCode, COALESCE(s.last_used_at, s.created_at) AS LastUsedAt
            FROM sessions s JOIN officials o ON o.id = s.official_id
            WHERE s.token_hash = @hash AND s.expires_at > @now AND COALESCE(s.last_used_at, s.created_at) > @idleBefore
              AND o.disabled = 0 AND s.session_version = o.session_version
            """, new { hash, now, idleBefore = now - (long)O.IdleTimeout.TotalMilliseconds });
        if (row is null) return null;
        if (now - row.LastUsedAt >= (long)O.TouchInterval.TotalMilliseconds)
        {
            using var writing = await db.WriteLockAsync();
            await c.ExecuteAsync("UPDATE sessions SET last_used_at = @now WHERE token_hash = @hash AND COALESCE(last_used_at, created_at) < @now", new { hash, now });
        }
        return new Official(row.Id, row.Username, row.DisplayName, row.Role, row.CommuneCode, row.ProvinceCode);
    }

    public async Task RevokeAsync(string token)
    {
        var hash = Hash(token);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("DELETE FROM sessions WHERE token_hash = @hash", new { hash });
    }

    /// <summary>
    /// Ends every session of the official, in the caller's transaction (which holds the write lock): the rows go, and
    /// the version moves on so a session issued concurrently from a password checked just before is refused too.
    /// </summary>
    public static async Task EndAllAsync(DbConnection c, DbTransaction tx, string officialId)
    {
        await c.ExecuteAsync("UPDATE officials SET session_version = session_version + 1 WHERE id = @officialId", new { officialId }, tx);
        await c.ExecuteAsync("DELETE FROM sessions WHERE official_id = @officialId", new { officialId }, tx);
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed class SessionRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string ProvinceCode { get; init; } = "";
        public long LastUsedAt { get; init; }
    }
}
