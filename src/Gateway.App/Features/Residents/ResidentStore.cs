using System.Data.Common;
using Dapper;

namespace Gateway.App.Features.Residents;

/// <summary>
/// The one home of resident rows (<c>residents</c>, <c>resident_addresses</c>, <c>resident_tags</c>): routing,
/// status callbacks, imports and notices read and write residents only through here, inside their caller's
/// transaction. A resident is found by any of their addresses.
/// </summary>
public static partial class ResidentStore
{
    private const string Columns =
        "r.id AS Id, a.urn AS Urn, r.commune_code AS CommuneCode, r.language AS Language, r.opted_out AS OptedOut, " +
        "r.awaiting_commune AS AwaitingCommune, r.pending_choices AS PendingChoices";

    /// <summary>The resident this address belongs to, created (with the address) on first contact.</summary>
    public static async Task<Resident> GetOrCreateAsync(DbConnection c, DbTransaction tx, string urn, long now)
    {
        var existing = await FindByAddressAsync(c, tx, urn);
        if (existing is not null) return existing;
        var id = Guid.CreateVersion7().ToString();
        await c.ExecuteAsync(
            "INSERT INTO residents (id, urn, opted_out, awaiting_commune, following, created_at, updated_at) VALUES (@id, @urn, 0, 0, 1, @now, @now)",
            new { id, urn, now }, tx);
        await AddAddressAsync(c, tx, id, urn, now);
        return (await FindByAddressAsync(c, tx, urn))!;
    }

    public static Task<Resident?> FindByAddressAsync(DbConnection c, DbTransaction? tx, string urn) =>
        c.QuerySingleOrDefaultAsync<Resident>(
            $"SELECT {Columns} FROM resident_addresses a JOIN residents r ON r.id = a.resident_id WHERE a.urn = @urn",
            new { urn }, tx);

    /// <summary>Links another address (a Zalo id to a phone number) to the same person.</summary>
    public static Task AddAddressAsync(DbConnection c, DbTransaction tx, string residentId, string urn, long now) =>
        c.ExecuteAsync(
            "INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at) VALUES (@urn, @residentId, @scheme, 1, NULL, @now)",
            new { urn, residentId, scheme = urn[..urn.IndexOf(':')], now }, tx);

    /// <summary>The resident wrote from this address: opens the Zalo free reply window (and says they follow).</summary>
    public static Task TouchInboundAsync(DbConnection c, DbTransaction tx, string urn, long now) =>
        c.ExecuteAsync("UPDATE resident_addresses SET last_inbound_at = @now WHERE urn = @urn", new { urn, now }, tx);

    public static Task SetCommuneAsync(DbConnection c, DbTransaction tx, string residentId, string communeCode, long now) =>
        c.ExecuteAsync("UPDATE residents SET commune_code = @communeCode, awaiting_commune = 0, pending_choices = NULL, updated_at = @now WHERE id = @residentId",
            new { communeCode, now, residentId }, tx);

    public static Task AwaitCommuneAsync(DbConnection c, DbTransaction tx, string residentId, IEnumerable<string>? choices, long now) =>
        c.ExecuteAsync("UPDATE residents SET awaiting_commune = 1, pending_choices = @choices, updated_at = @now WHERE id = @residentId",
            new { choices = choices is null ? null : string.Join(',', choices), now, residentId }, tx);

    public static Task OptOutAsync(DbConnection c, DbTransaction tx, string residentId, long now) =>
        c.ExecuteAsync("UPDATE residents SET opted_out = 1, updated_at = @now WHERE id = @residentId", new { now, residentId }, tx);

    /// <param name="language">A canonical code from <see cref="Directory.Languages"/>.</param>
    public static Task SetLanguageAsync(DbConnection c, DbTransaction tx, string residentId, string language, long now) =>
        c.ExecuteAsync("UPDATE residents SET language = @language, updated_at = @now WHERE id = @residentId", new { language, now, residentId }, tx);

    /// <summary>Zalo follow / unfollow: a resident who unfollowed the OA cannot be messaged there.</summary>
    public static Task<int> SetFollowingAsync(DbConnection c, DbTransaction? tx, string urn, bool following, long now) =>
        c.ExecuteAsync("UPDATE resident_addresses SET following = @following WHERE urn = @urn", new { following, urn }, tx);
}
