using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.Identity;

namespace Gateway.App.Features.Auth;

/// <summary>Official accounts: passwords stored as PBKDF2 hashes (ASP.NET Core Identity's hasher), never plain.</summary>
public sealed class Officials(Db db, TimeProvider time)
{
    private static readonly PasswordHasher<string> Hasher = new();

    public const string Columns =
        "id AS Id, username AS Username, password_hash AS PasswordHash, display_name AS DisplayName, role AS Role, commune_code AS CommuneCode, " +
        "province_code AS ProvinceCode, disabled AS Disabled, session_version AS SessionVersion, created_at AS CreatedAt";

    public static string HashPassword(string username, string password) => Hasher.HashPassword(username, password);

    /// <summary>
    /// The demo seeder's upsert, run at every start. A password that still matches keeps its hash, so a restart does
    /// not count as a password change; a different one replaces it and ends the official's sessions. A disabled
    /// account stays disabled.
    /// </summary>
    public async Task CreateOrUpdateAsync(string username, string password, string displayName, string role, string? communeCode, string provinceCode)
    {
        var existing = await FindAsync(username);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        if (existing is null)
        {
            await c.ExecuteAsync(
                "INSERT INTO officials (id, username, password_hash, display_name, role, commune_code, province_code, created_at) VALUES (@id, @username, @hash, @displayName, @role, @communeCode, @provinceCode, @now)",
                new { id = Guid.CreateVersion7().ToString(), username, hash = HashPassword(username, password), displayName, role, communeCode, provinceCode, now = time.NowMs() }, tx);
        }
        else
        {
            var samePassword = Hasher.VerifyHashedPassword(username, existing.PasswordHash, password) != PasswordVerificationResult.Failed;
            await c.ExecuteAsync(
                "UPDATE officials SET password_hash = @hash, display_name = @displayName, role = @role, commune_code = @communeCode, province_code = @provinceCode WHERE id = @id",
                new { hash = samePassword ? existing.PasswordHash : HashPassword(username, password), displayName, role, communeCode, provinceCode, id = existing.Id }, tx);
            if (!samePassword) await Sessions.EndAllAsync(c, tx, existing.Id);
        }
        await tx.CommitAsync();
    }

    public async Task<Verification> VerifyAsync(string username, string password)
    {
        var row = await FindAsync(username);
        if (row is null)
        {
            Hasher.VerifyHashedPassword(username, DummyHash, password); // same work either way: no user enumeration by timing
            return new Verification(VerifyOutcome.UnknownAccount, null, 0);
        }
        var result = Hasher.VerifyHashedPassword(row.Username, row.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed) return new Verification(VerifyOutcome.WrongPassword, row.ToOfficial(), row.SessionVersion);
        if (row.Disabled) return new Verification(VerifyOutcome.Disabled, row.ToOfficial(), row.SessionVersion);
        return new Verification(VerifyOutcome.Ok, row.ToOfficial(), row.SessionVersion);
    }

    public async Task<OfficialRow?> FindAsync(string username)
    {
        await using var c = await db.OpenAsync();
        return await c.QuerySingleOrDefaultAsync<OfficialRow>($"SELECT {Columns} FROM officials WHERE username = @username", new { username });
    }

    public async Task<IReadOnlyList<OfficialRow>> ListAsync()
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<OfficialRow>($"SELECT {Columns} FROM officials ORDER BY role, province_code, commune_code, username")).ToList();
    }

    private static readonly string DummyHash = Hasher.HashPassword("-", Guid.NewGuid().ToString());

    public enum VerifyOutcome { Ok, WrongPassword, UnknownAccount, Disabled }

    /// <param name="Official">The account the username named (null when none did), whatever the outcome.</param>
    /// <param name="SessionVersion">The account's version at this check: a session issued from it carries it.</param>
    public sealed record Verification(VerifyOutcome Outcome, Official? Official, long SessionVersion);

    public sealed class OfficialRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string PasswordHash { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string ProvinceCode { get; init; } = "";
        public bool Disabled { get; init; }
        public long SessionVersion { get; init; }
        public long CreatedAt { get; init; }

        public Official ToOfficial() => new(Id, Username, DisplayName, Role, CommuneCode, ProvinceCode);
    }
}
