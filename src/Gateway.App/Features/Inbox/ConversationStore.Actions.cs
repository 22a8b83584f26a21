using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure;

namespace Gateway.App.Features.Inbox;

/// <summary>What officials do to a conversation: each change and its timeline event in one transaction.</summary>
public sealed partial class ConversationStore
{
    private async Task WriteAsync(Func<DbConnection, DbTransaction, long, Task> change)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        await change(c, tx, time.NowMs());
        await tx.CommitAsync();
    }

    /// <param name="assignee">An official's username, or null to leave it unassigned.</param>
    public Task AssignAsync(ConversationRow row, string? assignee, string actor) => WriteAsync(async (c, tx, now) =>
    {
        await c.ExecuteAsync("UPDATE conversations SET assigned_to = @assignee, updated_at = @now WHERE id = @Id", new { assignee, now, row.Id }, tx);
        await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Assign, assignee, now);
    });

    /// <summary>Files the conversation; its deadlines follow the category (counted from when it opened).</summary>
    public Task SetCategoryAsync(ConversationRow row, string category, string actor) => WriteAsync(async (c, tx, now) =>
    {
        var (firstReplyDue, resolveDue) = deadlines.For(row.ProvinceCode, category, row.CreatedAt);
        await c.ExecuteAsync(
            "UPDATE conversations SET category = @category, first_reply_due = COALESCE(@firstReplyDue, first_reply_due), resolve_due = COALESCE(@resolveDue, resolve_due), updated_at = @now WHERE id = @Id",
            new { category, firstReplyDue, resolveDue, now, row.Id }, tx);
        await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Category, category, now);
    });

    public Task AddNoteAsync(ConversationRow row, string note, string actor) => WriteAsync(async (c, tx, now) =>
    {
        await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Note, note, now);
        await c.ExecuteAsync("UPDATE conversations SET updated_at = @now WHERE id = @Id", new { now, row.Id }, tx);
    });

    /// <summary>Sends the conversation up to the province (manually, or by the overdue escalator); the commune keeps it.</summary>
    public Task EscalateAsync(ConversationRow row, string reason, string? note, string actor) => WriteAsync((c, tx, now) => EscalateAsync(c, tx, row.Id, reason, note, actor, now));

    public static async Task<bool> EscalateAsync(DbConnection c, DbTransaction tx, string conversationId, string reason, string? note, string actor, long now)
    {
        var changed = await c.ExecuteAsync(
            "UPDATE conversations SET escalated_at = @now, escalation_reason = @reason, updated_at = @now WHERE id = @conversationId AND escalated_at IS NULL",
            new { now, reason, conversationId }, tx);
        if (changed == 1) await ConversationEvents.AddAsync(c, tx, conversationId, actor, ConversationEvents.Escalate, note ?? reason, now);
        return changed == 1;
    }

    /// <summary>A province officer sends an escalation back to the commune with an instruction.</summary>
    public Task ReturnAsync(ConversationRow row, string instruction, string actor) => WriteAsync(async (c, tx, now) =>
    {
        await c.ExecuteAsync("UPDATE conversations SET escalated_at = NULL, escalation_reason = NULL, updated_at = @now WHERE id = @Id", new { now, row.Id }, tx);
        await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Return, instruction, now);
    });

    /// <summary>
    /// Moves the conversation to another commune of the province (unassigned, same tracking code), inside the caller's
    /// transaction so the message telling the resident commits with it. The unique open key refuses it (a database
    /// exception) when the resident already has an open conversation with that commune.
    /// </summary>
    public static async Task TransferAsync(DbConnection c, DbTransaction tx, ConversationRow row, string communeCode, string? note, string actor, long now)
    {
        var openKey = row.Status == ConversationStatus.Resolved ? null : OpenKey(row.ResidentId, communeCode, row.ProvinceCode);
        await c.ExecuteAsync(
            "UPDATE conversations SET commune_code = @communeCode, open_key = @openKey, assigned_to = NULL, escalated_at = NULL, escalation_reason = NULL, updated_at = @now WHERE id = @Id",
            new { communeCode, openKey, now, row.Id }, tx);
        await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Transfer, $"{row.CommuneCode ?? "triage"} → {communeCode}{(note is null ? "" : ": " + note)}", now);
    }

    /// <summary>The official has seen the conversation up to now: it is no longer unread for them.</summary>
    public async Task MarkReadAsync(string conversationId, string official)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        var args = new { conversationId, official, now = time.NowMs() };
        if (await c.ExecuteAsync("UPDATE conversation_reads SET read_at = @now WHERE conversation_id = @conversationId AND official = @official", args) == 0)
            await c.ExecuteAsync("INSERT INTO conversation_reads (conversation_id, official, read_at) VALUES (@conversationId, @official, @now)", args);
    }
}
