using System.Data.Common;
using Dapper;
using Gateway.App.Features.Inbox;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// What "anonymised" means, in one place for the retention job and a resident's erasure: the text is replaced by
/// <see cref="Text"/>, the address by <c>erased:{row id}</c> (not derived from the number, so it cannot be reversed,
/// and stable: the same row always gets the same token), raw texts, attachments and provider error texts dropped.
/// Statuses, kinds, channels, communes, languages of deliveries, categories and every time stay: the oversight
/// dashboard and the broadcast reports count those, so they give the same figures before and after.
/// </summary>
public static class Anonymised
{
    public const string Text = "[đã xoá]";
    public const string Prefix = "erased:";

    public static string Urn(string rowId) => Prefix + rowId;

    /// <summary>Timeline events whose detail is words an official wrote (about the resident): notes and instructions.</summary>
    public static readonly string[] FreeTextEvents = [ConversationEvents.Note, ConversationEvents.Escalate, ConversationEvents.Return, ConversationEvents.Transfer];

    internal const string ConversationMessagesSql =
        "UPDATE messages SET urn = @urn, text = @text, raw_text = NULL, attachments = NULL, error_message = NULL, anonymised_at = @now " +
        "WHERE conversation_id = @id AND anonymised_at IS NULL";
    internal const string ConversationEventsSql =
        "UPDATE conversation_events SET detail = @text WHERE conversation_id = @id AND kind IN @kinds AND detail IS NOT NULL";
    internal const string ConversationSql =
        "UPDATE conversations SET urn = @urn, search_text = NULL, anonymised_at = @now WHERE id = @id";
    internal const string MessageSql =
        "UPDATE messages SET urn = @urn, text = @text, raw_text = NULL, attachments = NULL, error_message = NULL, anonymised_at = @now WHERE id = @id";
    internal const string DeliverySql =
        "UPDATE notice_deliveries SET urn = @urn, resident_id = @urn, error_message = NULL, anonymised_at = @now WHERE id = @id";
    internal const string AuditSql =
        "UPDATE audit_log SET detail = NULL, target = CASE WHEN target LIKE 'address:%' THEN 'address:erased' ELSE target END, anonymised_at = @now WHERE id IN @ids";

    /// <summary>These conversations, their messages and the officials' words in their timelines. Returns the messages anonymised.</summary>
    public static async Task<int> ConversationsAsync(DbConnection c, DbTransaction tx, IReadOnlyCollection<string> ids, long now)
    {
        if (ids.Count == 0) return 0;
        var rows = ids.Select(id => new { id, urn = Urn(id), text = Text, now, kinds = FreeTextEvents }).ToList();
        var messages = await c.ExecuteAsync(ConversationMessagesSql, rows, tx);
        await c.ExecuteAsync(ConversationEventsSql, rows, tx);
        await c.ExecuteAsync(ConversationSql, rows, tx);
        return messages;
    }

    /// <summary>Messages outside any conversation (commands, prompts, held texts).</summary>
    public static Task<int> MessagesAsync(DbConnection c, DbTransaction tx, IReadOnlyCollection<string> ids, long now) =>
        ids.Count == 0 ? Task.FromResult(0) : c.ExecuteAsync(MessageSql, ids.Select(id => new { id, urn = Urn(id), text = Text, now }).ToList(), tx);

    /// <summary>Notice deliveries: the address and the resident go (the language, commune, channel and status stay for the report).</summary>
    public static Task<int> DeliveriesAsync(DbConnection c, DbTransaction tx, IReadOnlyCollection<long> ids, long now) =>
        ids.Count == 0 ? Task.FromResult(0) : c.ExecuteAsync(DeliverySql, ids.Select(id => new { id, urn = Urn(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), now }).ToList(), tx);

    /// <summary>Audit rows keep who did what to which id, when, and the outcome; the detail and a client address go.</summary>
    public static Task<int> AuditAsync(DbConnection c, DbTransaction tx, IReadOnlyCollection<long> ids, long now) =>
        ids.Count == 0 ? Task.FromResult(0) : c.ExecuteAsync(AuditSql, new { ids, now }, tx);
}
