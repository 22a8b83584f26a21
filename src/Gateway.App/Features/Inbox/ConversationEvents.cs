using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox;

/// <summary>
/// What officials (and the gateway) did in a conversation, shown in its thread beside the messages: notes residents
/// never see, assignments, transfers, escalations and their return with an instruction, category and status changes.
/// </summary>
public sealed class ConversationEvents(Db db)
{
    public const string Note = "note", Assign = "assign", Transfer = "transfer", Escalate = "escalate", Return = "return",
        Category = "category", Status = "status", Overdue = "overdue";
    public const string System = "system";

    public sealed class Event
    {
        public string Id { get; init; } = "";
        public string ConversationId { get; init; } = "";
        public long At { get; init; }
        public string Actor { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? Detail { get; init; }
    }

    public static Task AddAsync(DbConnection c, DbTransaction? tx, string conversationId, string actor, string kind, string? detail, long now) =>
        c.ExecuteAsync(
            "INSERT INTO conversation_events (id, conversation_id, at, actor, kind, detail) VALUES (@id, @conversationId, @now, @actor, @kind, @detail)",
            new { id = Guid.CreateVersion7().ToString(), conversationId, now, actor, kind, detail = detail is { Length: > 2000 } d ? d[..2000] : detail }, tx);

    public async Task<IReadOnlyList<Event>> ListAsync(Guid conversationId)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<Event>(
            "SELECT id AS Id, conversation_id AS ConversationId, at AS At, actor AS Actor, kind AS Kind, detail AS Detail FROM conversation_events WHERE conversation_id = @id ORDER BY at, id",
            new { id = conversationId.ToString() })).ToList();
    }
}
