using System.Data.Common;
using Dapper;
using Gateway.App.Features.Residents;
using Gateway.App.Features.Routing;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Inbox;

/// <summary>
/// The one home of conversations: opening (one open conversation per resident and inbox, with a tracking code),
/// attaching messages, status changes, reads and counts. Routing, replies and the pages all go through here.
/// Access checks are <see cref="ConversationAccess"/>'s, before any of these run.
/// </summary>
public sealed partial class ConversationStore(Db db, TimeProvider time, Deadlines.ConversationDeadlines deadlines)
{
    public sealed record Opened(Guid Id, string TrackingCode, bool IsNew);

    /// <summary>The key that makes a conversation the resident's open one with an inbox (unique in the table).</summary>
    internal static string OpenKey(string residentId, string? communeCode, string provinceCode) =>
        $"{residentId}|{communeCode ?? "triage:" + provinceCode}";

    /// <summary>The resident's open conversation with an inbox, or a new one with a new tracking code.</summary>
    /// <param name="communeCode">null for the province triage inbox.</param>
    public async Task<Opened> FindOrOpenAsync(DbConnection c, DbTransaction tx, Resident resident,
        string? communeCode, string provinceCode, string channelKey, long now)
    {
        var openKey = OpenKey(resident.Id, communeCode, provinceCode);
        var existing = await c.QuerySingleOrDefaultAsync<(string Id, string TrackingCode)>(
            "SELECT id, tracking_code FROM conversations WHERE open_key = @openKey", new { openKey }, tx);
        if (existing.Id is not null) return new Opened(Guid.Parse(existing.Id), existing.TrackingCode, false);

        var id = Guid.CreateVersion7();
        var code = TrackingCode.New();
        var (firstReplyDue, resolveDue) = deadlines.For(provinceCode, null, now);
        // open_key is unique: a second instance racing to open the same conversation fails here and the
        // consumer's retry then finds this one.
        await c.ExecuteAsync(
            """
            INSERT INTO conversations (id, tracking_code, commune_code, province_code, resident_id, channel_key, urn, status, open_key, created_at, updated_at, last_message_at, first_reply_due, resolve_due)
            VALUES (@Id, @Code, @CommuneCode, @ProvinceCode, @ResidentId, @ChannelKey, @Urn, 'open', @OpenKey, @Now, @Now, @Now, @firstReplyDue, @resolveDue)
            """,
            new { Id = id.ToString(), Code = code, CommuneCode = communeCode, ProvinceCode = provinceCode, ResidentId = resident.Id, ChannelKey = channelKey, resident.Urn, OpenKey = openKey, Now = now, firstReplyDue, resolveDue }, tx);
        return new Opened(id, code, true);
    }

    /// <summary>Longest folded text kept for search: the first words of a conversation are what officials look for.</summary>
    public const int SearchTextLength = 2000;

    /// <summary>
    /// Attaches an inbound message to a conversation, reopens it if the official had marked it pending, marks it
    /// unread and adds the resident's words (folded: no diacritics, lower case) to what search looks at.
    /// </summary>
    public static async Task AttachAsync(DbConnection c, DbTransaction tx, Guid messageId, Guid conversationId, long now)
    {
        var text = await c.ExecuteScalarAsync<string?>("SELECT text FROM messages WHERE id = @id", new { id = messageId.ToString() }, tx);
        await c.ExecuteAsync("UPDATE messages SET conversation_id = @conversationId, status = 'routed', updated_at = @now WHERE id = @messageId",
            new { conversationId = conversationId.ToString(), now, messageId = messageId.ToString() }, tx);
        var folded = string.IsNullOrWhiteSpace(text) ? null : VietText.Fold(text);
        await c.ExecuteAsync(
            """
            UPDATE conversations SET last_message_at = @now, last_inbound_at = @now, updated_at = @now, status = 'open', resolved_at = NULL,
                   search_text = CASE WHEN @folded IS NULL THEN search_text
                                      WHEN search_text IS NULL THEN @folded
                                      ELSE search_text || ' ' || @folded END
            WHERE id = @conversationId
            """.Replace("search_text || ' ' || @folded", c is Microsoft.Data.Sqlite.SqliteConnection ? "search_text || ' ' || @folded" : "search_text + ' ' + @folded"),
            new { conversationId = conversationId.ToString(), now, folded }, tx);
        if (folded is not null)
            await c.ExecuteAsync(
                c is Microsoft.Data.Sqlite.SqliteConnection
                    ? "UPDATE conversations SET search_text = substr(search_text, 1, @max) WHERE id = @conversationId AND length(search_text) > @max"
                    : "UPDATE conversations SET search_text = LEFT(search_text, @max) WHERE id = @conversationId AND LEN(search_text) > @max",
                new { conversationId = conversationId.ToString(), max = SearchTextLength }, tx);
    }

    /// <summary>An official's message went out in this conversation: the first one stops the first-response clock.</summary>
    public static Task TouchAsync(DbConnection c, DbTransaction tx, string conversationId, long now) =>
        c.ExecuteAsync("UPDATE conversations SET last_message_at = @now, updated_at = @now, first_reply_at = COALESCE(first_reply_at, @now) WHERE id = @id",
            new { now, id = conversationId }, tx);

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
    public async Task<StatusChange> SetStatusAsync(ConversationRow row, string status, string actor)
    {
        var openKey = status == ConversationStatus.Resolved ? null : OpenKey(row.ResidentId, row.CommuneCode, row.ProvinceCode);
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        try
        {
            await using var tx = await c.BeginTransactionAsync();
            var now = time.NowMs();
            await c.ExecuteAsync(
                "UPDATE conversations SET status = @status, open_key = @openKey, updated_at = @now, resolved_at = CASE WHEN @status = 'resolved' THEN @now ELSE NULL END WHERE id = @id",
                new { status, openKey, now, id = row.Id }, tx);
            await ConversationEvents.AddAsync(c, tx, row.Id, actor, ConversationEvents.Status, status, now);
            await tx.CommitAsync();
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
