using System.Text.RegularExpressions;
using Dapper;
using Gateway.App.Infrastructure;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Inbox;

/// <summary>Which conversations an inbox list shows: whose inbox, which tab, what search.</summary>
/// <param name="CommuneCode">One commune's inbox; null with <paramref name="Triage"/> for the province's triage inbox, or for the whole province.</param>
/// <param name="Official">The reader: "mine" and the unread markers are theirs.</param>
public sealed record InboxQuery(string ProvinceCode, string? CommuneCode, bool Triage, string? Tab, string? Search, string Official, int Page, int PageSize);

public sealed partial class ConversationStore
{
    private static readonly Regex TrackingCodeShape = new("^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$", RegexOptions.Compiled);

    /// <summary>
    /// The list for an inbox tab, newest first. Search takes a tracking code, digits of a number, or words: the
    /// residents' words are stored folded (no diacritics, lower case), so <c>sat lo</c> finds <c>sạt lở</c>.
    /// </summary>
    public async Task<IReadOnlyList<ConversationRow>> ListAsync(InboxQuery q)
    {
        var where = new List<string> { "province_code = @ProvinceCode" };
        if (q.CommuneCode is not null) where.Add("commune_code = @CommuneCode");
        else if (q.Triage) where.Add("commune_code IS NULL");
        var now = time.NowMs();
        switch (q.Tab)
        {
            case ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.Resolved: where.Add("status = @Tab"); break;
            case InboxTabs.Overdue:
                where.Add("((first_reply_at IS NULL AND first_reply_due <= @now) OR (status <> 'resolved' AND resolve_due <= @now))"); break;
            case InboxTabs.Mine: where.Add("assigned_to = @Official AND status <> 'resolved'"); break;
            case InboxTabs.Unassigned: where.Add("assigned_to IS NULL AND status <> 'resolved'"); break;
            case InboxTabs.Escalated: where.Add("escalated_at IS NOT NULL"); break;
        }
        string? code = null, digits = null, words = null;
        var search = q.Search?.Trim();
        if (!string.IsNullOrEmpty(search))
        {
            if (TrackingCodeShape.IsMatch(search)) code = Routing.TrackingCode.Normalize(search);
            var onlyDigits = new string(search.Where(char.IsDigit).ToArray());
            if (onlyDigits.Length >= 4 && onlyDigits.Length * 2 >= search.Length) digits = "%" + onlyDigits[^Math.Min(onlyDigits.Length, 9)..] + "%";
            words = "%" + VietText.Fold(search).Replace("%", "").Replace("_", "") + "%";
            where.Add("(" + string.Join(" OR ", new[] { code is null ? null : "tracking_code = @code", digits is null ? null : "urn LIKE @digits", "search_text LIKE @words" }.Where(x => x is not null)) + ")");
        }
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<ConversationRow>(
            $"""
            SELECT {ConversationRow.Columns}, r.read_at AS ReadAt FROM conversations
            LEFT JOIN conversation_reads r ON r.conversation_id = conversations.id AND r.official = @Official
            WHERE {string.Join(" AND ", where)}
            ORDER BY last_message_at DESC, id DESC {db.Dialect.Page}
            """,
            new { q.ProvinceCode, q.CommuneCode, q.Tab, q.Official, now, code, digits, words, Offset = (Math.Max(1, q.Page) - 1) * q.PageSize, Limit = q.PageSize });
        return rows.ToList();
    }
}
