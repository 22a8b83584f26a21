using Dapper;
using Gateway.App.Features.Auth;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Oversight;

/// <summary>
/// Reads the audit log for oversight: a province officer sees what the officials of their province did (and failed
/// sign-ins under their usernames); an admin sees everything. Filters: official, action (prefix), commune, period.
/// </summary>
public sealed class AuditSearch(Db db)
{
    public const int PageSize = 200;

    public sealed class Entry
    {
        public long Id { get; init; }
        public long At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string? Target { get; init; }
        public string Outcome { get; init; } = "";
        public string? Detail { get; init; }
    }

    public async Task<IReadOnlyList<Entry>> SearchAsync(Official reader, string? official, string? action, string? commune, Period period, long? before)
    {
        var where = new List<string> { "a.at >= @start", "a.at < @end" };
        var admin = reader.Role == "admin";
        if (!admin) where.Add("o.province_code = @ProvinceCode");
        if (!string.IsNullOrWhiteSpace(official)) where.Add("a.actor = @official");
        if (!string.IsNullOrWhiteSpace(action)) where.Add("a.action LIKE @actionPrefix");
        if (!string.IsNullOrWhiteSpace(commune)) where.Add("o.commune_code = @commune");
        if (before is not null) where.Add("a.id < @before");
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<Entry>(
            $"""
            SELECT {db.Dialect.TopPrefix(PageSize.ToString())} a.id AS Id, a.at AS At, a.actor AS Actor, a.action AS Action, a.target AS Target, a.outcome AS Outcome, a.detail AS Detail
            FROM audit_log a {(admin ? "LEFT" : "")} JOIN officials o ON o.username = a.actor
            WHERE {string.Join(" AND ", where)}
            ORDER BY a.id DESC {db.Dialect.LimitSuffix(PageSize.ToString())}
            """,
            new { start = period.StartMs, end = period.EndMs, reader.ProvinceCode, official = official?.Trim(), actionPrefix = action?.Trim() + "%", commune = commune?.Trim(), before })).ToList();
    }
}
