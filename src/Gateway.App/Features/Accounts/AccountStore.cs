using System.Data.Common;
using Dapper;
using Gateway.App.Features.Auth;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Accounts;

/// <summary>The admin's writes to <c>officials</c>, each one transaction with what must go with it (sessions, locks).</summary>
public sealed class AccountStore(Db db, TimeProvider time, SignInThrottle throttle)
{
    /// <returns>False when the username is taken.</returns>
    public async Task<bool> CreateAsync(string username, string password, string displayName, string role, string? communeCode, string provinceCode)
    {
        var hash = Officials.HashPassword(username, password);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        var rows = await c.ExecuteAsync(db.Dialect.InsertIgnore("officials",
                "id, username, password_hash, display_name, role, commune_code, province_code, created_at",
                "@id, @username, @hash, @displayName, @role, @communeCode, @provinceCode, @now", "username = @username"),
            new { id = Guid.CreateVersion7().ToString(), username, hash, displayName, role, communeCode, provinceCode, now = time.NowMs() });
        return rows == 1;
    }

    /// <summary>Disabling ends every session at once; enabling lifts a sign-in lock too.</summary>
    public Task SetDisabledAsync(Officials.OfficialRow official, bool disabled) => InTransactionAsync(async (c, tx) =>
    {
        await c.ExecuteAsync("UPDATE officials SET disabled = @disabled WHERE id = @id", new { disabled = disabled ? 1 : 0, id = official.Id }, tx);
        if (disabled) await Sessions.EndAllAsync(c, tx, official.Id);
        else await throttle.ResetAccountAsync(c, tx, official.Username);
    });

    /// <summary>A new password ends every session (a stolen one included) and lifts a sign-in lock.</summary>
    public Task SetPasswordAsync(Officials.OfficialRow official, string password) => InTransactionAsync(async (c, tx) =>
    {
        await c.ExecuteAsync("UPDATE officials SET password_hash = @hash WHERE id = @id",
            new { hash = Officials.HashPassword(official.Username, password), id = official.Id }, tx);
        await Sessions.EndAllAsync(c, tx, official.Id);
        await throttle.ResetAccountAsync(c, tx, official.Username);
    });

    /// <summary>Sessions read the official on every request, so a new scope applies from the next one; none need end.</summary>
    public Task SetScopeAsync(Officials.OfficialRow official, string role, string? communeCode, string provinceCode) => InTransactionAsync((c, tx) =>
        c.ExecuteAsync("UPDATE officials SET role = @role, commune_code = @communeCode, province_code = @provinceCode WHERE id = @id",
            new { role, communeCode, provinceCode, id = official.Id }, tx));

    public Task SetDisplayNameAsync(Officials.OfficialRow official, string displayName) => InTransactionAsync((c, tx) =>
        c.ExecuteAsync("UPDATE officials SET display_name = @displayName WHERE id = @id", new { displayName, id = official.Id }, tx));

    private async Task InTransactionAsync(Func<DbConnection, DbTransaction, Task> work)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        await work(c, tx);
        await tx.CommitAsync();
    }
}
