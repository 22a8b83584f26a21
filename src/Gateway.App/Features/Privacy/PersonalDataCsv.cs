using System.Globalization;
using System.Text;
using Gateway.App.Features.Residents;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// The export as one CSV (UTF-8, RFC 4180): a row per record, <c>section</c> saying what it is. The first row is the
/// <c>note</c> that the data is personal and the language sensitive; times are ISO 8601 UTC.
/// </summary>
public static class PersonalDataCsv
{
    public const string Header = "section,id,at,conversation_id,direction,kind,channel,address,commune_code,language,status,text";

    public static string Write(PersonalData d)
    {
        var sb = new StringBuilder(Header).Append("\r\n");
        void Row(string section, string? id, long? at, string? conversation, string? direction, string? kind, string? channel, string? address,
            string? commune, string? language, string? status, string? text)
        {
            string?[] cells = [section, id, at is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : null,
                conversation, direction, kind, channel, address, commune, language, status, text];
            sb.AppendJoin(',', cells.Select(ResidentCsv.Field)).Append("\r\n");
        }

        Row("note", null, d.ExportedAt.ToUnixTimeMilliseconds(), null, null, null, null, d.Address, null, "sensitive", null, d.SensitiveNote);
        if (d.Resident is { } r)
        {
            Row("resident", r.Id, r.CreatedAt, null, null, r.OptedOut ? "opted_out" : null, null, null, r.CommuneCode, r.Language, null,
                r.Tags.Count == 0 ? null : "tags: " + string.Join(';', r.Tags));
            foreach (var a in r.Addresses) Row("address", null, a.CreatedAt, null, null, a.Scheme, null, a.Urn, null, null, a.Following ? "following" : null, null);
        }
        foreach (var c in d.Conversations)
            Row("conversation", c.Id, c.CreatedAt, null, null, c.Category, c.ChannelKey, c.Urn, c.CommuneCode, null, c.Status, c.TrackingCode);
        foreach (var m in d.Messages)
            Row("message", m.Id, m.CreatedAt, m.ConversationId, m.Direction, m.Kind, m.ChannelKey, m.Urn, null, null, m.Status, m.Text);
        foreach (var e in d.ConversationEvents)
            Row("conversation_event", null, e.At, e.ConversationId, null, e.Kind, null, null, null, null, e.Actor, e.Detail);
        foreach (var n in d.NoticeDeliveries)
            Row("notice_delivery", n.Id.ToString(CultureInfo.InvariantCulture), n.UpdatedAt, null, "out", "notice", n.ChannelKey, n.Urn, n.CommuneCode,
                n.WantedLanguage ?? n.Language, n.Status, n.Text);
        foreach (var a in d.AuditMentions)
            Row("audit", a.Id.ToString(CultureInfo.InvariantCulture), a.At, null, null, a.Action, null, null, null, null, a.Outcome, $"{a.Actor} {a.Target}");
        return sb.ToString();
    }
}
