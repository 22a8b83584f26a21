using System.Text;
using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Broadcasts;

public sealed record ReportLine(string CommuneCode, string Language, string Channel, long Recipients, long Queued, long Sent, long Delivered,
    long Failed, long Unknown, long Skipped, long Cancelled, IReadOnlyDictionary<string, long> FailedReasons, IReadOnlyDictionary<string, long> SkippedReasons,
    IReadOnlyDictionary<string, long> FallbackReasons);
public sealed record ReportDto(string BroadcastId, int Run, string Status, long OptedOut, IReadOnlyList<ReportLine> Lines);

/// <summary>
/// Who got the notice, per commune × language (the resident's own; a fallback is counted under it) × channel.
/// <c>sent</c> counts every delivery the provider accepted (delivered ones included); residents who opted out
/// have no delivery row and are reported once, as <c>optedOut</c>. A delivery another channel carried after a definite
/// failure (ZNS −118, quota spent, not a follower) is counted under the channel that carried it, with the reason
/// the first one did not in <c>fallbackReasons</c>.
/// </summary>
public sealed class BroadcastReport(Db db)
{
    public async Task<ReportDto> BuildAsync(BroadcastRow b)
    {
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<(string Commune, string Language, string? Channel, string Status, string? Reason, string? Fallback, long Count)>(
            """
            SELECT commune_code, COALESCE(wanted_language, language), channel_key, status, reason, fallback_reason, COUNT(*)
            FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run
            GROUP BY commune_code, COALESCE(wanted_language, language), channel_key, status, reason, fallback_reason
            """, new { b.Id, b.Run });
        var optedOut = await c.ExecuteScalarAsync<long>("SELECT opted_out_count FROM broadcasts WHERE id = @Id", new { b.Id });
        var lines = rows.GroupBy(r => (r.Commune, r.Language, Channel: r.Channel ?? "-"))
            .OrderBy(g => g.Key.Commune).ThenBy(g => g.Key.Language).ThenBy(g => g.Key.Channel)
            .Select(g =>
            {
                long N(params string[] s) => g.Where(r => s.Contains(r.Status)).Sum(r => r.Count);
                var skipped = N(NoticeDeliveryStatus.Skipped);
                return new ReportLine(g.Key.Commune, g.Key.Language, g.Key.Channel,
                    Recipients: g.Sum(r => r.Count) - skipped,
                    Queued: N(NoticeDeliveryStatus.Pending),
                    Sent: N(NoticeDeliveryStatus.Sent, NoticeDeliveryStatus.Delivered, NoticeDeliveryStatus.Read),
                    Delivered: N(NoticeDeliveryStatus.Delivered, NoticeDeliveryStatus.Read),
                    Failed: N(NoticeDeliveryStatus.Failed),
                    Unknown: N(NoticeDeliveryStatus.Unknown),
                    Skipped: skipped,
                    Cancelled: N(NoticeDeliveryStatus.Cancelled),
                    FailedReasons: Reasons(g, NoticeDeliveryStatus.Failed),
                    SkippedReasons: Reasons(g, NoticeDeliveryStatus.Skipped),
                    FallbackReasons: g.Where(r => r.Fallback is not null).GroupBy(r => r.Fallback!).ToDictionary(x => x.Key, x => x.Sum(r => r.Count)));
            }).ToList();
        return new ReportDto(b.Id, b.Run, b.Status, optedOut, lines);
    }

    private static Dictionary<string, long> Reasons(IEnumerable<(string, string, string?, string Status, string? Reason, string?, long Count)> rows, string status) =>
        rows.Where(r => r.Status == status).GroupBy(r => r.Reason ?? "-").ToDictionary(g => g.Key, g => g.Sum(r => r.Count));

    public static string ToCsv(ReportDto report)
    {
        var sb = new StringBuilder("commune_code,language,channel,recipients,queued,sent,delivered,failed,unknown,skipped,cancelled,failed_reasons,skipped_reasons,fallback_reasons\n");
        foreach (var l in report.Lines)
            sb.Append($"{l.CommuneCode},{l.Language},{l.Channel},{l.Recipients},{l.Queued},{l.Sent},{l.Delivered},{l.Failed},{l.Unknown},{l.Skipped},{l.Cancelled},{Join(l.FailedReasons)},{Join(l.SkippedReasons)},{Join(l.FallbackReasons)}\n");
        sb.Append($"opted_out,,,{0},,,,,,{report.OptedOut},,,opted_out={report.OptedOut},\n");
        return sb.ToString();
    }

    private static string Join(IReadOnlyDictionary<string, long> reasons) => string.Join(';', reasons.Select(kv => $"{kv.Key}={kv.Value}"));
}
