using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Residents;

/// <summary>
/// Which residents to walk: those of <paramref name="ProvinceCommunes"/> (never anyone else) that are in the whole
/// province, or in one of <paramref name="Communes"/>, or carry one of <paramref name="Tags"/>, or read one of
/// <paramref name="Languages"/> (a union). <paramref name="OptedOut"/>: only those who opted out (true), only those who
/// did not (false), everyone (null).
/// </summary>
public sealed record ResidentFilter(
    IReadOnlyList<string> ProvinceCommunes,
    bool WholeProvince,
    IReadOnlyList<string> Communes,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Languages,
    bool? OptedOut);

/// <summary>A resident with their first phone and first Zalo address (by when the gateway learnt them).</summary>
public sealed class ResidentContact
{
    public string Id { get; init; } = "";
    public string? CommuneCode { get; init; }
    public string? Language { get; init; }
    public bool OptedOut { get; init; }
    public string? TelUrn { get; init; }
    public string? ZaloUrn { get; init; }
    public bool ZaloFollowing { get; init; }
    public long? ZaloLastInboundAt { get; init; }
}

public static partial class ResidentStore
{
    /// <summary>
    /// One page of residents matching <paramref name="filter"/>, in id order after <paramref name="afterId"/> (keyset
    /// paging: a page costs the same at the millionth row as at the first, and rows added meanwhile are not skipped).
    /// </summary>
    public static async Task<IReadOnlyList<ResidentContact>> SelectPageAsync(DbConnection c, DbTransaction? tx, SqlDialect dialect,
        ResidentFilter filter, string afterId, int limit)
    {
        if (filter.ProvinceCommunes.Count == 0 || limit <= 0) return [];
        // The page's ids first, walking residents in id order (SQLite: the covering audience index; the unary + keeps
        // it off the commune index, whose matches it would have to sort on every page), then the addresses of those
        // ids only: the per-resident lookups run for the page, not for every match.
        var (where, args) = Where(filter, idOrder: dialect.IsSqlite);
        args.Add("after", afterId ?? "");
        args.Add("limit", limit);
        string First(string scheme) =>
            $"SELECT {dialect.TopPrefix("1")} f.urn FROM resident_addresses f WHERE f.resident_id = r.id AND f.scheme = '{scheme}' ORDER BY f.created_at, f.urn {dialect.LimitSuffix("1")}";
        var ids = $"SELECT {dialect.TopPrefix("@limit")} r.id FROM residents r WHERE r.id > @after AND {where} ORDER BY r.id {dialect.LimitSuffix("@limit")}";
        var sql =
            "SELECT r.id AS Id, r.commune_code AS CommuneCode, r.language AS Language, r.opted_out AS OptedOut, " +
            $"({First("tel")}) AS TelUrn, z.urn AS ZaloUrn, z.following AS ZaloFollowing, z.last_inbound_at AS ZaloLastInboundAt " +
            $"FROM ({ids}) p JOIN residents r ON r.id = p.id LEFT JOIN resident_addresses z ON z.urn = ({First("zalo")}) " +
            "ORDER BY r.id";
        return (await c.QueryAsync<ResidentContact>(sql, args, tx)).AsList();
    }

    public static async Task<int> CountAsync(DbConnection c, DbTransaction? tx, ResidentFilter filter)
    {
        if (filter.ProvinceCommunes.Count == 0) return 0;
        var (where, args) = Where(filter, idOrder: false);
        return await c.ExecuteScalarAsync<int>($"SELECT COUNT(*) FROM residents r WHERE {where}", args, tx);
    }

    /// <summary>How many residents each of these communes has (communes with none are left out).</summary>
    public static async Task<IReadOnlyList<(string CommuneCode, int Count)>> CountByCommuneAsync(DbConnection c, IReadOnlyList<string> communes) =>
        communes.Count == 0 ? [] : (await c.QueryAsync<(string, int)>(
            "SELECT commune_code, COUNT(*) FROM residents WHERE commune_code IN @communes GROUP BY commune_code", new { communes })).AsList();

    /// <summary>The tags of these residents (for an export page), looked up in bulk.</summary>
    public static async Task<ILookup<string, string>> TagsOfAsync(DbConnection c, DbTransaction? tx, IReadOnlyCollection<string> residentIds)
    {
        var all = new List<(string ResidentId, string Tag)>();
        foreach (var slice in residentIds.Chunk(InListSlice))
            all.AddRange(await c.QueryAsync<(string, string)>(
                "SELECT resident_id, tag FROM resident_tags WHERE resident_id IN @slice ORDER BY resident_id, tag", new { slice }, tx));
        return all.ToLookup(x => x.ResidentId, x => x.Tag, StringComparer.Ordinal);
    }

    private static (string Where, DynamicParameters Args) Where(ResidentFilter filter, bool idOrder)
    {
        var args = new DynamicParameters();
        args.Add("province", filter.ProvinceCommunes);
        var commune = idOrder ? "+r.commune_code" : "r.commune_code";
        var clauses = new List<string> { $"{commune} IN @province" };
        if (filter.OptedOut is { } optedOut) clauses.Add(optedOut ? "r.opted_out = 1" : "r.opted_out = 0");
        if (!filter.WholeProvince)
        {
            var any = new List<string>();
            if (filter.Communes.Count > 0) { any.Add($"{commune} IN @communes"); args.Add("communes", filter.Communes); }
            if (filter.Languages.Count > 0) { any.Add("r.language IN @languages"); args.Add("languages", filter.Languages); }
            if (filter.Tags.Count > 0)
            {
                any.Add("EXISTS (SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag IN @tags)");
                args.Add("tags", filter.Tags);
            }
            // No criterion chooses nobody (AudienceQuery.Validate refuses that audience before it gets here).
            clauses.Add(any.Count == 0 ? "1 = 0" : "(" + string.Join(" OR ", any) + ")");
        }
        return (string.Join(" AND ", clauses), args);
    }
}
