using System.Data.Common;
using Dapper;
using Gateway.App.Features.Residents;
using Gateway.App.Features.Routing;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox;

/// <summary>
/// The one home of conversations: opening (one open conversation per resident and inbox, with a tracking code),
/// attaching messages, status changes, reads and counts. Routing, replies and the pages all go through here.
/// Access checks are <see cref="ConversationAccess"/>'s, before any of these run.
/// </summary>
public sealed class ConversationStore(Db db, TimeProvider time)
{
    public sealed record Opened(Guid Id, string TrackingCode, bool IsNew);

    /// <summary>The key that makes a conversation the resident's open one with an inbox (unique in the table).</summary>
    private static string OpenKey(string residentId, string? communeCode, string provinceCode) =>
        $"{residentId}|{communeCode ?? "triage:" + provinceCode}";

    /// <summary>The resident's open conversation with an inbox, or a new one with a new tracking code.</summary>
    /// <param name="communeCode">null for the province triage inbox.</param>
    public static async Task<Opened> FindOrOpenAsync(DbConnection c, DbTransaction tx, Resident resident,
        string? communeCode, string provinceCode, string channelKey, long now)
    {
        var openKey = OpenKey(resident.Id, communeCode, provinceCode);
        var existing = await c.QuerySingleOrDefaultAsync<(string Id, string TrackingCode)>(
            "SELECT id, tracking_code FROM conversations WHERE open_key = @openKey", new { openKey }, tx);
        if (existing.Id is not null) return new Opened(Guid.Parse(existing.Id), existing.TrackingCode, false);

        var id = Guid.CreateVersion7();
        var code = TrackingCode.New();
        // open_key is unique: a second instance racing to open the same conversation fails here and the
        // consumer's retry then finds this one.
        await c.ExecuteAsync(
            """
            INSERT INTO conversations (id, tracking_code, commune_code, province_code, resident_id, channel_key, urn, status, open_key, created_at, updated_at, last_message_at)
            VALUES (@Id, @Code, @CommuneCode, @ProvinceCode, @ResidentId, @ChannelKey, @Urn, 'open', @OpenKey, @Now, @Now, @Now)
            """,
            new { Id = id.ToString(), Code = code, CommuneCode = communeCode, ProvinceCode = provinceCode, ResidentId = resident.Id, ChannelKey = channelKey, resident.Urn, OpenKey = openKey, Now = now }, tx);
        return new Opened(id, code, true);
    }

    /// <summary>Attaches an inbound message to a conversation and reopens it if the official had marked it pending.</summary>
    public static async Task AttachAsync(DbConnection c, DbTransaction tx, Guid messageId, Guid conversationId, long now)
    {
        await c.ExecuteAsync("UPDATE messages SET conversation_id = @conversationId, status = 'routed', updated_at = @now WHERE id = @messageId",
            new { conversationId = conversationId.ToString(), now, messageId = messageId.ToString() }, tx);
        await c.ExecuteAsync("UPDATE conversations SET last_message_at = @now, updated_at = @now, status = 'open' WHERE id = @conversationId",
            new { conversationId = conversationId.ToString(), now }, tx);
    }

    /// <summary>An official's message went out in this conversation.</summary>
    public static Task TouchAsync(DbConnection c, DbTransaction tx, string conversationId, long now) =>
        c.ExecuteAsync("UPDATE conversations SET last_message_at = @now, updated_at = @now WHERE id = @id", new { now, id = conversationId }, tx);

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

    /// <summary>A resolved conversation frees its open slot, so the resident's next message opens a new one with a new tracking code.</summary>
    public async Task<StatusChange> SetStatusAsync(ConversationRow row, string status)
    {
        var openKey = status == ConversationStatus.Resolved ? null : OpenKey(row.ResidentId, row.CommuneCode, row.ProvinceCode);
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

    public sealed class InboxCount
    {
        public string? CommuneCode { get; init; }
        public long Total { get; init; }
        public long OpenCount { get; init; }
    }

    /// <summary>Per inbox of a province (commune code, or null for the triage inbox): how many conversations, how many open.</summary>
    public async Task<IReadOnlyList<InboxCount>> CountsByCommuneAsync(string provinceCode)
    {
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<InboxCount>(
            """
            SELECT commune_code AS CommuneCode, COUNT(*) AS Total, SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS OpenCount
            FROM conversations WHERE province_code = @provinceCode GROUP BY commune_code
            """, new { provinceCode });
        return rows.ToList();
    }
}
