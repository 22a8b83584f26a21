using Dapper;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.App.Features.Channels.ZaloTokens;

/// <summary>
/// The <c>zalo_oa_tokens</c> table. Tokens are encrypted at rest with data protection (the key ring in the data
/// folder or <c>Gateway:KeysDirectory</c>); nothing here logs them. The lease makes one instance at a time the
/// one allowed to spend the single-use refresh token.
/// </summary>
public sealed class ZaloTokenStore(Db db, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Gateway.ZaloTokens.v1");

    private const string Columns =
        "app_id AS AppId, access_token AS AccessToken, refresh_token AS RefreshToken, access_expires_at AS AccessExpiresAt, " +
        "issued_at AS IssuedAt, state AS State, last_error AS LastError, failures AS Failures, next_attempt_at AS NextAttemptAt, " +
        "lease_owner AS LeaseOwner, lease_until AS LeaseUntil, updated_at AS UpdatedAt";

    public async Task<ZaloTokenRow?> FindAsync(string appId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ZaloTokenRow>($"SELECT {Columns} FROM zalo_oa_tokens WHERE app_id = @appId", new { appId });
        return row is null ? null : Decrypted(row);
    }

    public async Task<IReadOnlyList<ZaloTokenRow>> AllAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ZaloTokenRow>($"SELECT {Columns} FROM zalo_oa_tokens ORDER BY app_id")).Select(Decrypted).ToList();
    }

    /// <summary>The first pair, from configuration; an OA that already has a row keeps it (configuration only seeds).</summary>
    public async Task SeedAsync(string appId, string? accessToken, string? refreshToken, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        await c.ExecuteAsync(
            db.Dialect.InsertIgnore("zalo_oa_tokens", "app_id, access_token, refresh_token, state, failures, updated_at",
                "@appId, @access, @refresh, @ok, 0, @now", "app_id = @appId"),
            new { appId, access = Protect(accessToken), refresh = Protect(refreshToken), ok = ZaloTokenRow.Ok, now });
    }

    /// <summary>Takes the refresh lease if nobody holds a live one.</summary>
    public async Task<bool> TryLeaseAsync(string appId, string owner, long until, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        return await c.ExecuteAsync(
            "UPDATE zalo_oa_tokens SET lease_owner = @owner, lease_until = @until WHERE app_id = @appId AND (lease_until IS NULL OR lease_until < @now OR lease_owner = @owner)",
            new { appId, owner, until, now }) == 1;
    }

    /// <summary>
    /// The new pair, stored in one statement before anyone uses it, and only while the lease is still ours:
    /// the old refresh token is spent the moment Zalo answered.
    /// </summary>
    public async Task<bool> StoreRenewedAsync(string appId, string owner, string accessToken, string refreshToken, long expiresAt, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        return await c.ExecuteAsync(
            """
            UPDATE zalo_oa_tokens SET access_token = @access, refresh_token = @refresh, access_expires_at = @expiresAt, issued_at = @now,
                   state = @ok, last_error = NULL, failures = 0, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE app_id = @appId AND lease_owner = @owner
            """,
            new { appId, owner, access = Protect(accessToken), refresh = Protect(refreshToken), expiresAt, now, ok = ZaloTokenRow.Ok }) == 1;
    }

    /// <summary>A pair from the consent flow replaces whatever was there, whoever held the lease.</summary>
    public async Task StoreConsentedAsync(string appId, string accessToken, string refreshToken, long expiresAt, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        var args = new { appId, access = Protect(accessToken), refresh = Protect(refreshToken), expiresAt, now, ok = ZaloTokenRow.Ok };
        var updated = await c.ExecuteAsync(
            """
            UPDATE zalo_oa_tokens SET access_token = @access, refresh_token = @refresh, access_expires_at = @expiresAt, issued_at = @now,
                   state = @ok, last_error = NULL, failures = 0, next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE app_id = @appId
            """, args);
        if (updated == 0)
            await c.ExecuteAsync(
                "INSERT INTO zalo_oa_tokens (app_id, access_token, refresh_token, access_expires_at, issued_at, state, failures, updated_at) VALUES (@appId, @access, @refresh, @expiresAt, @now, @ok, 0, @now)",
                args);
    }

    /// <summary>The old pair stays; the OA is marked as needing attention and the next try is scheduled (or none, when Zalo refused the token).</summary>
    public async Task RecordFailureAsync(string appId, string owner, string error, long? nextAttemptAt, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        await c.ExecuteAsync(
            """
            UPDATE zalo_oa_tokens SET state = @needs, last_error = @error, failures = failures + 1, next_attempt_at = @nextAttemptAt,
                   lease_owner = NULL, lease_until = NULL, updated_at = @now
            WHERE app_id = @appId AND lease_owner = @owner
            """,
            new { appId, owner, error = error.Length > 500 ? error[..500] : error, nextAttemptAt, now, needs = ZaloTokenRow.NeedsConsent });
    }

    public async Task ReleaseLeaseAsync(string appId, string owner)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("UPDATE zalo_oa_tokens SET lease_owner = NULL, lease_until = NULL WHERE app_id = @appId AND lease_owner = @owner", new { appId, owner });
    }

    public string? Protect(string? plain) => plain is null ? null : _protector.Protect(plain);
    public string? Unprotect(string? cipher) => cipher is null ? null : _protector.Unprotect(cipher);

    private ZaloTokenRow Decrypted(ZaloTokenRow r) => new()
    {
        AppId = r.AppId, AccessToken = Unprotect(r.AccessToken), RefreshToken = Unprotect(r.RefreshToken), AccessExpiresAt = r.AccessExpiresAt,
        IssuedAt = r.IssuedAt, State = r.State, LastError = r.LastError, Failures = r.Failures, NextAttemptAt = r.NextAttemptAt,
        LeaseOwner = r.LeaseOwner, LeaseUntil = r.LeaseUntil, UpdatedAt = r.UpdatedAt,
    };
}
