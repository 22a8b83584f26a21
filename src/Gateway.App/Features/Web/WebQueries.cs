using Dapper;
using Gateway.App.Features.Inbox;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Web;

/// <summary>The few reads and writes the pages need that the inbox API does not expose. Callers check access first.</summary>
public sealed class WebQueries(Db db)
{
    public sealed class CommuneCount
    {
        public string? CommuneCode { get; init; }
        public long Total { get; init; }
        public long OpenCount { get; init; }
    }

    /// <summary>Per inbox of a province (commune code, or null for the triage inbox): how many conversations, how many open.</summary>
    public async Task<IReadOnlyList<CommuneCount>> CountsByCommuneAsync(string provinceCode)
    {
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<CommuneCount>(
            """
            SELECT commune_code AS CommuneCode, COUNT(*) AS Total, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS OpenCount
            FROM conversations WHERE province_code = @provinceCode GROUP BY commune_code
            """, new { provinceCode });
        return rows.ToList();
    }

    public sealed class PhoneMessage
    {
        public string Direction { get; init; } = "";
        public string Text { get; init; } = "";
        public string Status { get; init; } = "";
        public long CreatedAt { get; init; }
    }

    /// <summary>The last <paramref name="limit"/> messages between the gateway and one address on one channel, oldest first.</summary>
    public async Task<IReadOnlyList<PhoneMessage>> ThreadAsync(string channelKey, string urn, int limit)
    {
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<PhoneMessage>(
            $"""
            SELECT {db.Dialect.TopPrefix("@limit")} direction AS Direction, text AS Text, status AS Status, created_at AS CreatedAt
            FROM messages WHERE channel_key = @channelKey AND urn = @urn
            ORDER BY created_at DESC, id DESC {db.Dialect.LimitSuffix("@limit")}
            """, new { channelKey, urn, limit });
        return rows.Reverse().ToList();
    }
}
