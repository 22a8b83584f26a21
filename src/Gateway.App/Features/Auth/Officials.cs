using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.Identity;

namespace Gateway.App.Features.Auth;

/// <summary>Official accounts: passwords stored as PBKDF2 hashes (ASP.NET Core Identity's hasher), never plain.</summary>
public sealed class Officials(Db db, TimeProvider time)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public async Task CreateOrUpdateAsync(string username, string password, string displayName, string role, string? communeCode, string provinceCode)
    {
        var hash = Hasher.HashPassword(username, password);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        var updated = await c.ExecuteAsync(
            "UPDATE officials SET password_hash = @hash, display_name = @displayName, role = @role, commune_code = @communeCode, province_code = @provinceCode WHERE username = @username",
            new { hash, displayName, role, communeCode, provinceCode, username });
        if (updated == 0)
            await c.ExecuteAsync(
                "INSERT INTO officials (id, username, password_hash, display_name, role, commune_code, province_code, created_at) VALUES (@id, @username, @hash, @displayName, @role, @communeCode, @provinceCode, @now)",
                new { id = Guid.CreateVersion7().ToString(), username, hash, displayName, role, communeCode, provinceCode, now = time.NowMs() });
    }

    public async Task<Official?> VerifyAsync(string username, string password)
    {
        await using var c = await db.OpenAsync();
        var row = await c.QuerySingleOrDefaultAsync<OfficialRow>(
            "SELECT id AS Id, username AS Username, password_hash AS PasswordHash, display_name AS DisplayName, role AS Role, commune_code AS CommuneCode, province_code AS ProvinceCode FROM officials WHERE username = @username",
            new { username });
        if (row is null)
        {
            Hasher.VerifyHashedPassword(username, DummyHash, password); // same work either way: no user enumeration by timing
            return null;
        }
        return Hasher.VerifyHashedPassword(username, row.PasswordHash, password) == PasswordVerificationResult.Failed
            ? null
            : new Official(row.Id, row.Username, row.DisplayName, row.Role, row.CommuneCode, row.ProvinceCode);
    }

    private static readonly string DummyHash = Hasher.HashPassword("-", Guid.NewGuid().ToString());

    public sealed class OfficialRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string PasswordHash { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string ProvinceCode { get; init; } = "";
    }
}
