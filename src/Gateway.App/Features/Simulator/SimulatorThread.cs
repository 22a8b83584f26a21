using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Simulator;

/// <summary>The simulated phone's screen: the last messages between the gateway and one address on one channel.</summary>
public sealed class SimulatorThread(Db db)
{
    public sealed class PhoneMessage
    {
        public string Direction { get; init; } = "";
        public string Text { get; init; } = "";
        public string Status { get; init; } = "";
        public long CreatedAt { get; init; }
    }

    /// <summary>The last <paramref name="limit"/> messages, oldest first.</summary>
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
