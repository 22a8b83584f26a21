using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox;

/// <summary>Reads for the inbox API and pages. Access checks happen in the callers, before these run.</summary>
public sealed class InboxQueries(Db db, TimeProvider time)
{
    public static readonly string[] Statuses = ConversationStatus.All;

    /// <param name="communeCode">A commune's inbox; null with a province for its triage inbox.</param>
    public async Task<IReadOnlyList<ConversationRow>> ListAsync(string? communeCode, string? provinceCode, string? status, int page, int pageSize)
    {
        var where = communeCode is not null ? "commune_code = @communeCode" : "province_code = @provinceCode AND commune_code IS NULL";
        if (status is not null) where += " AND status = @status";
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<ConversationRow>(
            $"SELECT {ConversationRow.Columns} FROM conversations WHERE {where} ORDER BY last_message_at DESC, id DESC {db.Dialect.Page}",
            new { communeCode, provinceCode, status, Offset = (page - 1) * pageSize, Limit = pageSize });
        return rows.ToList();
    }

    /// <summary>All conversations of a province (every commune and the triage inbox), newest first.</summary>
    public async Task<IReadOnlyList<ConversationRow>> ListProvinceAsync(string provinceCode, string? status, int page, int pageSize)
    {
        var where = "province_code = @provinceCode" + (status is not null ? " AND status = @status" : "");
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<ConversationRow>(
            $"SELECT {ConversationRow.Columns} FROM conversations WHERE {where} ORDER BY last_message_at DESC, id DESC {db.Dialect.Page}",
            new { provinceCode, status, Offset = (page - 1) * pageSize, Limit = pageSize });
        return rows.ToList();
    }

    public async Task<ConversationRow?> FindAsync(Guid id)
    {
        await using var c = await db.OpenAsync();
        return await c.QuerySingleOrDefaultAsync<ConversationRow>($"SELECT {ConversationRow.Columns} FROM conversations WHERE id = @id", new { id = id.ToString() });
    }

    public async Task<IReadOnlyList<MessageRow>> MessagesAsync(Guid conversationId)
    {
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<MessageRow>(
            $"SELECT {MessageRow.Columns} FROM messages WHERE conversation_id = @id ORDER BY created_at, id", new { id = conversationId.ToString() });
        return rows.ToList();
    }

    public enum StatusChange { Changed, NewerOpenConversation }

    /// <summary>
    /// The same change as <c>POST /api/conversations/{id}/status</c> (InboxApi): a resolved conversation frees its
    /// open slot, so the resident's next message opens a new one with a new tracking code.
    /// </summary>
    public async Task<StatusChange> SetStatusAsync(ConversationRow row, string status)
    {
        var openKey = status == ConversationStatus.Resolved ? null : $"{row.ResidentId}|{row.CommuneCode ?? "triage:" + row.ProvinceCode}";
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        try
        {
            await c.ExecuteAsync("UPDATE conversations SET status = @status, open_key = @openKey, updated_at = @now WHERE id = @id",
                new { status, openKey, now = time.NowMs(), id = row.Id });
            return StatusChange.Changed;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Microsoft.Data.SqlClient.SqlException)
        {
            return StatusChange.NewerOpenConversation;
        }
    }
}
