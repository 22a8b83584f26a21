using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox.List;

/// <summary>The residents' languages for a page of the list (only province officers are shown them).</summary>
public sealed class ResidentLanguages(Db db)
{
    public async Task<Dictionary<string, string?>> LanguagesAsync(string[] residentIds)
    {
        if (residentIds.Length == 0) return [];
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<(string Id, string? Language)>("SELECT id, language FROM residents WHERE id IN @residentIds", new { residentIds }))
            .ToDictionary(r => r.Id, r => r.Language);
    }
}
