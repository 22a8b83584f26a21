using System.Text;
using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Channels;
using Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>
/// Turns a started run into one delivery row per resident (unique per broadcast, run and resident), each with its
/// language and channel, in chunks of <see cref="NoticeDeliveryOptions.ChunkSize"/> residents per transaction; each
/// chunk's send commands are written to the outbox in the same transaction. The texts are rendered once per language
/// beforehand, and each chunk is one <c>INSERT … SELECT</c> over the audience page, with the channel policy and the
/// language choice as SQL expressions: row by row from C# cost ~17 µs of CPU a resident (1M residents: 28–58 s).
/// Resumable: after a crash it continues after the last resident written; the unique index refuses a second row.
/// </summary>
public sealed class BroadcastExpander(
    Db db, DbWriter writer, TemplateStore templates, CommuneDirectory directory, NoticeChannelPolicy policy,
    IOptions<NoticeDeliveryOptions> options, TimeProvider time, ILogger<BroadcastExpander> logger)
{
    /// <returns>false when the broadcast left <c>sending</c> meanwhile (paused, cancelled): expansion stops and resumes later.</returns>
    public async Task<bool> ExpandAsync(BroadcastRow b, string leaseOwner, CancellationToken ct)
    {
        var template = await templates.FindAsync(b.TemplateKey, ct)
            ?? throw new InvalidOperationException($"Broadcast {b.Id}: template '{b.TemplateKey}' no longer exists");
        var versions = await StoreVersionsAsync(b, template);
        var ways = policy.WaysFor(b.ProvinceCode, await policy.ZnsUsableAsync(template, b.ProvinceCode, ct));
        string after;
        await using (var c = await db.OpenAsync(ct))
            after = await c.ExecuteScalarAsync<string?>(
                "SELECT MAX(resident_id) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run", new { b.Id, b.Run }) ?? "";
        var started = time.GetTimestamp();
        var total = 0;
        var size = options.Value.ChunkSize;
        while (true)
        {
            var page = AudienceQuery.PageSql(db.Dialect, directory, b.AudienceValue, b.ProvinceCode, after, size);
            if (page is null) break;
            var written = await writer.WriteAsync(w => WriteChunkAsync(w, b, leaseOwner, page.Value.Sql, page.Value.Args, versions, ways), ct: ct);
            if (written is null) return false;
            total += written.Value.Count;
            if (written.Value.Count < size) break;
            after = written.Value.LastResident;
        }
        await using (var c = await db.OpenAsync(ct))
        {
            var optedOut = await AudienceQuery.CountOptedOutAsync(c, db.Dialect, directory, b.AudienceValue, b.ProvinceCode);
            using (await db.WriteLockAsync(ct: ct))
                await c.ExecuteAsync(
                    "UPDATE broadcasts SET expanded = 1, opted_out_count = @optedOut, lease_owner = NULL, lease_until = NULL, last_progress_at = @now, updated_at = @now WHERE id = @Id AND run = @Run",
                    new { b.Id, b.Run, optedOut, now = time.NowMs() });
        }
        logger.LogInformation("Broadcast {Broadcast} run {Run}: {Count} delivery rows written in {Elapsed} ms",
            b.Id, b.Run, total, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    /// <summary>Vietnamese and every language with an approved, current translation, rendered once and stored for the run.</summary>
    private async Task<IReadOnlyList<Version>> StoreVersionsAsync(BroadcastRow b, NoticeTemplate template)
    {
        var values = b.VariableValues;
        var versions = template.Translations.Select(t => t.Language).Where(template.IsSendable)
            .Select(l => TemplateRenderer.Render(template, l, values, directory))
            .DistinctBy(r => r.Language)
            .Select(r => new Version(r.Language, r.Sms, r.Zalo)).ToList();
        await writer.WriteAsync(async w =>
        {
            foreach (var v in versions)
                await w.Connection.ExecuteAsync(
                    w.Dialect.InsertIgnore("broadcast_versions", "broadcast_id, run, language, sms_text, zalo_text", "@Id, @Run, @Language, @Sms, @Zalo",
                        "broadcast_id = @Id AND run = @Run AND language = @Language"),
                    new { b.Id, b.Run, v.Language, v.Sms, v.Zalo }, w.Tx);
        });
        return versions;
    }

    private async Task<(int Count, string LastResident)?> WriteChunkAsync(WriteTransaction w, BroadcastRow b, string leaseOwner,
        string pageSql, DynamicParameters args, IReadOnlyList<Version> versions, IReadOnlyList<(string Way, ChannelInstance Channel)> ways)
    {
        var c = w.Connection;
        // Still ours and still sending? A pause or cancel between chunks stops the expansion here.
        var mine = await c.ExecuteAsync(
            "UPDATE broadcasts SET lease_owner = @leaseOwner, lease_until = @until WHERE id = @Id AND run = @Run AND status = @sending",
            new { leaseOwner, until = w.Now + 120_000, b.Id, b.Run, sending = BroadcastStatus.Sending }, w.Tx);
        if (mine == 0) return null;

        var first = 1 + await c.ExecuteScalarAsync<long>(
            w.Dialect.IsSqlite ? "SELECT COALESCE(MAX(id), 0) FROM notice_deliveries" : "SELECT COALESCE(MAX(id), 0) FROM notice_deliveries WITH (UPDLOCK, HOLDLOCK)",
            transaction: w.Tx);
        args.AddDynamicParams(new
        {
            xFirst = first - 1, xBroadcast = b.Id, xRun = b.Run, xNow = w.Now, xZaloSince = policy.ZaloWindowStart(w.Now),
            xQueued = NoticeDeliveryStatus.Queued, xSkipped = NoticeDeliveryStatus.Skipped, xNoChannel = NoticeReason.NoChannel, xVi = Languages.Vietnamese,
        });
        var sql = InsertSql(pageSql, args, versions, ways);
        var count = await c.ExecuteAsync(sql, args, w.Tx);
        if (count == 0) return (0, "");
        var (last, lastResident) = await c.QuerySingleAsync<(long Last, string LastResident)>(
            "SELECT MAX(id), MAX(resident_id) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run AND id >= @first",
            new { b.Id, b.Run, first }, w.Tx);
        // Skipped rows fall inside the ranges too: the sender claims only queued ones.
        for (var start = first; start <= last; start += options.Value.SendChunkSize)
            await w.PublishAsync(new SendNoticeChunk(Guid.Parse(b.Id), b.Run, start, Math.Min(last, start + options.Value.SendChunkSize - 1)));
        return (count, lastResident);
    }

    /// <summary>
    /// One row per audience member: the language sent (theirs when it has a sendable text, else vi), the first way of
    /// the province's order that reaches them (Zalo: a follower inside the free window; SMS: a phone number), its
    /// channel, address and cost in segments; nobody reached is <c>skipped</c> with <c>no_channel</c>.
    /// </summary>
    internal static string InsertSql(string pageSql, DynamicParameters args, IReadOnlyList<Version> versions, IReadOnlyList<(string Way, ChannelInstance Channel)> ways)
    {
        var others = versions.Where(v => v.Language != Languages.Vietnamese).ToList();
        for (var i = 0; i < others.Count; i++) args.Add($"xLang{i}", others[i].Language);
        var language = others.Count == 0 ? "@xVi"
            : $"CASE WHEN m.Language IN ({string.Join(", ", others.Select((_, i) => $"@xLang{i}"))}) THEN m.Language ELSE @xVi END";

        var way = new StringBuilder("CASE");
        var key = new StringBuilder("CASE x.Way");
        var type = new StringBuilder("CASE x.Way");
        var urn = new StringBuilder("CASE x.Way");
        var cost = new StringBuilder("CASE x.Way");
        for (var i = 0; i < ways.Count; i++)
        {
            var (name, channel) = ways[i];
            args.Add($"xWay{i}", name);
            args.Add($"xKey{i}", channel.Key);
            args.Add($"xType{i}", channel.Type);
            way.Append(name == NoticeChannelPolicy.Zalo
                ? $" WHEN m.ZaloUrn IS NOT NULL AND m.ZaloFollowing = 1 AND m.ZaloLastInboundAt >= @xZaloSince THEN @xWay{i}"
                : $" WHEN m.TelUrn IS NOT NULL THEN @xWay{i}");
            key.Append($" WHEN @xWay{i} THEN @xKey{i}");
            type.Append($" WHEN @xWay{i} THEN @xType{i}");
            urn.Append($" WHEN @xWay{i} THEN {(name == NoticeChannelPolicy.Zalo ? "x.ZaloUrn" : "x.TelUrn")}");
            cost.Append($" WHEN @xWay{i} THEN CASE x.Lang");
            foreach (var v in versions)
                cost.Append($" WHEN '{v.Language.Replace("'", "")}' THEN {OutboundSender.Cost(channel.Type, channel.Type == ChannelTypes.Zalo ? v.Zalo : v.Sms)}");
            cost.Append(" ELSE 1 END");
        }
        string End(StringBuilder sb) => ways.Count == 0 ? "NULL" : sb.Append(" END").ToString();
        return $"""
            INSERT INTO notice_deliveries (id, broadcast_id, run, resident_id, commune_code, language, wanted_language, channel_key, channel_type, urn, status, reason, attempts, segments, updated_at)
            SELECT @xFirst + ROW_NUMBER() OVER (ORDER BY x.Id), @xBroadcast, @xRun, x.Id, x.CommuneCode, x.Lang, x.Language,
                   {End(key)}, {End(type)}, {End(urn)},
                   CASE WHEN x.Way IS NULL THEN @xSkipped ELSE @xQueued END, CASE WHEN x.Way IS NULL THEN @xNoChannel END, 0,
                   {(ways.Count == 0 ? "0" : End(cost).Replace("CASE x.Way", "COALESCE(CASE x.Way") + ", 0)")}, @xNow
            FROM (SELECT m.Id, m.CommuneCode, m.Language, m.TelUrn, m.ZaloUrn, {language} AS Lang, {End(way)} AS Way FROM ({pageSql}) m) x
            """;
    }

    internal sealed record Version(string Language, string Sms, string Zalo);
}
