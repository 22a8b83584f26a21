using System.Data.Common;
using Dapper;

namespace Gateway.App.Features.Routing;

public sealed class Resident
{
    public string Id { get; init; } = "";
    public string Urn { get; init; } = "";
    public string? CommuneCode { get; init; }
    public bool OptedOut { get; init; }
    public bool AwaitingCommune { get; init; }
    public string? PendingChoices { get; init; }

    public IReadOnlyList<string> Choices => PendingChoices?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

/// <summary>Resident rows, read and written inside the routing transaction.</summary>
public static class Residents
{
    public static async Task<Resident> GetOrCreateAsync(DbConnection c, DbTransaction tx, string urn, long now)
    {
        var existing = await FindAsync(c, tx, urn);
        if (existing is not null) return existing;
        await c.ExecuteAsync(
            "INSERT INTO residents (id, urn, opted_out, awaiting_commune, following, created_at, updated_at) VALUES (@Id, @Urn, 0, 0, 1, @Now, @Now)",
            new { Id = Guid.CreateVersion7().ToString(), Urn = urn, Now = now }, tx);
        return (await FindAsync(c, tx, urn))!;
    }

    private static Task<Resident?> FindAsync(DbConnection c, DbTransaction tx, string urn) =>
        c.QuerySingleOrDefaultAsync<Resident>(
            "SELECT id AS Id, urn AS Urn, commune_code AS CommuneCode, opted_out AS OptedOut, awaiting_commune AS AwaitingCommune, pending_choices AS PendingChoices FROM residents WHERE urn = @urn",
            new { urn }, tx);

    public static Task SetCommuneAsync(DbConnection c, DbTransaction tx, string residentId, string communeCode, long now) =>
        c.ExecuteAsync("UPDATE residents SET commune_code = @communeCode, awaiting_commune = 0, pending_choices = NULL, updated_at = @now WHERE id = @residentId",
            new { communeCode, now, residentId }, tx);

    public static Task AwaitCommuneAsync(DbConnection c, DbTransaction tx, string residentId, IEnumerable<string>? choices, long now) =>
        c.ExecuteAsync("UPDATE residents SET awaiting_commune = 1, pending_choices = @choices, updated_at = @now WHERE id = @residentId",
            new { choices = choices is null ? null : string.Join(',', choices), now, residentId }, tx);

    public static Task OptOutAsync(DbConnection c, DbTransaction tx, string residentId, long now) =>
        c.ExecuteAsync("UPDATE residents SET opted_out = 1, updated_at = @now WHERE id = @residentId", new { now, residentId }, tx);
}
