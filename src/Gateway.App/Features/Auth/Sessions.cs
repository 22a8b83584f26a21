using System.Security.Cryptography;
using System.Text;
using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Caching.Memory;

namespace Gateway.App.Features.Auth;

/// <summary>
/// Opaque bearer tokens (also carried in the web UI's cookie). Only their SHA-256 is stored, so a copy of
/// the database cannot be used to sign in; signing out deletes the row.
/// </summary>
public sealed class Sessions(Db db, TimeProvider time, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public async Task<string> IssueAsync(Official official)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("INSERT INTO sessions (token_hash, official_id, created_at, expires_at) VALUES (@hash, @id, @now, @expires)",
            new { hash = Hash(token), id = official.Id, now, expires = now + (long)Lifetime.TotalMilliseconds });
        return token;
    }

    public async Task<Official?> FindAsync(string token)
    {
        var hash = Hash(token);
        // A short cache keeps the inbox API off the database for every request; sign-out evicts it.
        if (cache.TryGetValue(hash, out Official? cached)) return cached;
        await using var c = await db.OpenAsync();
        var row = await c.QuerySingleOrDefaultAsync<Officials.OfficialRow>(
            """
            SELECT o.id AS Id, o.username AS Username, o.display_name AS DisplayName, o.role AS Role, o.commune_code AS CommuneCode, o.province_code AS ProvinceCode
            FROM sessions s JOIN officials o ON o.id = s.official_id
            WHERE s.token_hash = @hash AND s.expires_at > @now
            """, new { hash, now = time.NowMs() });
        var official = row is null ? null : new Official(row.Id, row.Username, row.DisplayName, row.Role, row.CommuneCode, row.ProvinceCode);
        if (official is not null) cache.Set(hash, official, TimeSpan.FromSeconds(30));
        return official;
    }

    public async Task RevokeAsync(string token)
    {
        var hash = Hash(token);
        cache.Remove(hash);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("DELETE FROM sessions WHERE token_hash = @hash", new { hash });
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
