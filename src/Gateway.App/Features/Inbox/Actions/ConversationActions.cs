using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Messages;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;

namespace Gateway.App.Features.Inbox.Actions;

/// <summary>
/// What officials do with a conversation besides replying: assign (or take) it, file it under a category, add an
/// internal note, transfer it to another commune of the province (the resident is told; the tracking code keeps
/// working), escalate it to the province, and — province officers — send an escalation back with an instruction.
/// Each is checked, recorded in the conversation's timeline and audited. Access to the conversation is checked
/// before (ConversationAccess).
/// </summary>
public sealed class ConversationActions(ConversationStore store, Db db, DbWriter writer, CommuneDirectory directory, AuditLog audit)
{
    public const int MaxNoteLength = 2000;

    /// <summary>Done, or refused with the status code and a reason a person can act on.</summary>
    public sealed record Outcome(int Status, string? Problem)
    {
        public static readonly Outcome Done = new(200, null);
        public static Outcome Refused(string why, int status = 400) => new(status, why);
        public bool Ok => Problem is null;
    }

    public sealed record Assignable(string Username, string DisplayName);

    /// <summary>Who may handle a conversation of this inbox: the commune's officers, and the province's.</summary>
    public async Task<IReadOnlyList<Assignable>> AssignableAsync(ConversationRow row)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<Assignable>(
            """
            SELECT username AS Username, display_name AS DisplayName FROM officials
            WHERE (role = 'commune' AND commune_code = @CommuneCode) OR (role = 'province' AND province_code = @ProvinceCode)
            ORDER BY role, username
            """, new { row.CommuneCode, row.ProvinceCode })).ToList();
    }

    /// <param name="assignee">An official's username; empty or null leaves it unassigned.</param>
    public async Task<Outcome> AssignAsync(ConversationRow row, string? assignee, Official actor)
    {
        assignee = string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim();
        if (assignee is not null && (await AssignableAsync(row)).All(a => a.Username != assignee))
            return Outcome.Refused($"'{assignee}' is not an official of this commune or its province.");
        await store.AssignAsync(row, assignee, actor.Username);
        await audit.WriteAsync(actor.Username, "conversation.assign", $"conversation:{row.Id}", "ok", assignee ?? "(unassigned)");
        return Outcome.Done;
    }

    public async Task<Outcome> SetCategoryAsync(ConversationRow row, string? category, Official actor)
    {
        if (category is null || !ConversationCategory.All.Contains(category))
            return Outcome.Refused($"category must be one of: {string.Join(", ", ConversationCategory.All)}.");
        await store.SetCategoryAsync(row, category, actor.Username);
        await audit.WriteAsync(actor.Username, "conversation.category", $"conversation:{row.Id}", "ok", category);
        return Outcome.Done;
    }

    public async Task<Outcome> AddNoteAsync(ConversationRow row, string? note, Official actor)
    {
        note = note?.Trim();
        if (string.IsNullOrEmpty(note)) return Outcome.Refused("The note is empty.");
        if (note.Length > MaxNoteLength) return Outcome.Refused($"Notes are limited to {MaxNoteLength} characters.");
        await store.AddNoteAsync(row, note, actor.Username);
        await audit.WriteAsync(actor.Username, "conversation.note", $"conversation:{row.Id}", "ok");
        return Outcome.Done;
    }

    public async Task<Outcome> EscalateAsync(ConversationRow row, string? note, Official actor)
    {
        if (row.EscalatedAt is not null) return Outcome.Refused("It is already with the province.", 409);
        if (row.CommuneCode is null) return Outcome.Refused("The triage inbox is the province's already.", 409);
        await store.EscalateAsync(row, "manual", string.IsNullOrWhiteSpace(note) ? null : note.Trim(), actor.Username);
        await audit.WriteAsync(actor.Username, "conversation.escalate", $"conversation:{row.Id}", "ok");
        return Outcome.Done;
    }

    public async Task<Outcome> ReturnAsync(ConversationRow row, string? instruction, Official actor)
    {
        if (!actor.IsProvince) return Outcome.Refused("Only province officers send an escalation back.", 403);
        if (row.EscalatedAt is null) return Outcome.Refused("It is not escalated.", 409);
        if (string.IsNullOrWhiteSpace(instruction)) return Outcome.Refused("Write the instruction for the commune.");
        await store.ReturnAsync(row, instruction.Trim(), actor.Username);
        await audit.WriteAsync(actor.Username, "conversation.return", $"conversation:{row.Id}", "ok");
        return Outcome.Done;
    }

    /// <summary>To another commune of the same province; the resident gets a message saying where it went.</summary>
    public async Task<Outcome> TransferAsync(ConversationRow row, string? communeCode, string? note, Official actor)
    {
        var target = directory.FindCommune(communeCode?.Trim() ?? "");
        if (target is null) return Outcome.Refused($"No commune has code '{communeCode}'.");
        if (target.ProvinceCode != row.ProvinceCode) return Outcome.Refused("A conversation moves only between communes of its province.");
        if (target.Code == row.CommuneCode) return Outcome.Refused("It is already in that commune's inbox.");
        var text = $"Câu hỏi {row.TrackingCode} của bạn đã được chuyển đến {target.Name} giải quyết. Mã theo dõi vẫn giữ nguyên.";
        try
        {
            await writer.WriteAsync(async w =>
            {
                await ConversationStore.TransferAsync(w.Connection, w.Tx, row, target.Code, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), actor.Username, w.Now);
                var (_, entry) = await OutboundQueue.EnqueueAsync(w.Connection, w.Tx, w.Dialect, w.Now,
                    new NewOutbound(row.ChannelKey, row.Urn, text, MessageKind.Ack, Guid.Parse(row.Id)));
                if (entry is not null) w.Publish(entry);
            });
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Microsoft.Data.SqlClient.SqlException)
        {
            return Outcome.Refused("The resident already has an open conversation with that commune: answer there.", 409);
        }
        await audit.WriteAsync(actor.Username, "conversation.transfer", $"conversation:{row.Id}", "ok", target.Code);
        return Outcome.Done;
    }
}
