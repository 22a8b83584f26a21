using System.Data.Common;
using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>
/// Turns a started run into one delivery row per resident (unique per broadcast, run and resident), each with
/// its language and channel, in chunks of <see cref="NoticeDeliveryOptions.ChunkSize"/> residents per transaction;
/// each chunk's send commands are written to the outbox in the same transaction. Resumable: after a crash it
/// continues after the last resident written, and the unique index refuses a second row for anyone.
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
        var values = b.VariableValues;
        var audience = b.AudienceValue;
        var versions = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        string after;
        await using (var c = await db.OpenAsync(ct))
        {
            after = await c.ExecuteScalarAsync<string?>(
                "SELECT MAX(resident_id) FROM notice_deliveries WHERE broadcast_id = @Id AND run = @Run", new { b.Id, b.Run }) ?? "";
            foreach (var v in await c.QueryAsync<(string Language, string Sms, string Zalo)>(
                "SELECT language, sms_text, zalo_text FROM broadcast_versions WHERE broadcast_id = @Id AND run = @Run", new { b.Id, b.Run }))
                versions[v.Language] = new Version(v.Language, v.Sms, v.Zalo, false);
        }
        var started = time.GetTimestamp();
        var total = 0;
        var size = options.Value.ChunkSize;
        // The next page is read (on its own connection, a WAL reader beside the writer) while this one is written:
        // on SQLite both are synchronous work, so reading the audience and writing the rows use a core each.
        Task<IReadOnlyList<AudienceMember>> ReadPageAsync(string from) => Task.Run(async () =>
        {
            await using var c = await db.OpenAsync(ct);
            return await AudienceQuery.PageAsync(c, null, db.Dialect, directory, audience, b.ProvinceCode, from, size);
        }, ct);
        var next = ReadPageAsync(after);
        while (true)
        {
            var page = await next;
            if (page.Count == 0) break;
            var full = page.Count >= size;
            if (full) next = ReadPageAsync(page[^1].ResidentId);
            var still = await writer.WriteAsync(w => WriteChunkAsync(w, b, leaseOwner, template, values, versions, page), ct: ct);
            if (!still)
            {
                if (full) await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return false;
            }
            total += page.Count;
            if (!full) break;
        }
        await using (var c = await db.OpenAsync(ct))
        {
            var optedOut = await AudienceQuery.CountOptedOutAsync(c, db.Dialect, directory, audience, b.ProvinceCode);
            using (await db.WriteLockAsync(ct: ct))
                await c.ExecuteAsync(
                    "UPDATE broadcasts SET expanded = 1, opted_out_count = @optedOut, lease_owner = NULL, lease_until = NULL, last_progress_at = @now, updated_at = @now WHERE id = @Id AND run = @Run",
                    new { b.Id, b.Run, optedOut, now = time.NowMs() });
        }
        logger.LogInformation("Broadcast {Broadcast} run {Run}: {Count} delivery rows written in {Elapsed} ms",
            b.Id, b.Run, total, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    private async Task<bool> WriteChunkAsync(WriteTransaction w, BroadcastRow b, string leaseOwner, NoticeTemplate template,
        IReadOnlyDictionary<string, string> values, Dictionary<string, Version> versions, IReadOnlyList<AudienceMember> page)
    {
        var c = w.Connection;
        // Still ours and still sending? A pause or cancel between chunks stops the expansion here.
        var mine = await c.ExecuteAsync(
            "UPDATE broadcasts SET lease_owner = @leaseOwner, lease_until = @until WHERE id = @Id AND run = @Run AND status = @sending",
            new { leaseOwner, until = w.Now + 120_000, b.Id, b.Run, sending = BroadcastStatus.Sending }, w.Tx);
        if (mine == 0) return false;

        var nextId = 1 + await c.ExecuteScalarAsync<long>(
            w.Dialect.IsSqlite ? "SELECT COALESCE(MAX(id), 0) FROM notice_deliveries" : "SELECT COALESCE(MAX(id), 0) FROM notice_deliveries WITH (UPDLOCK, HOLDLOCK)",
            transaction: w.Tx);
        using var insert = PrepareInsert(c, w.Tx);
        long? firstQueued = null, lastQueued = null;
        var sqlite = w.Dialect.IsSqlite;
        foreach (var m in page)
        {
            // Each language's version is rendered (and its SMS segments counted) once per run, not per resident.
            var version = versions.TryGetValue(m.Language ?? Languages.Vietnamese, out var known) ? known
                : await VersionAsync(w, b, template, values, versions, m.Language);
            var choice = policy.Choose(m, b.ProvinceCode, w.Now);
            var queued = choice.SkipReason is null;
            var id = nextId++;
            Set(insert, id, b, m, version.Language, choice, queued ? NoticeDeliveryStatus.Queued : NoticeDeliveryStatus.Skipped,
                choice.SkipReason, version.CostFor(choice.ChannelType), w.Now);
            // Microsoft.Data.Sqlite's async methods run synchronously anyway; skip their Task per row there.
            if (sqlite) insert.ExecuteNonQuery();
            else await insert.ExecuteNonQueryAsync();
            if (!queued) continue;
            firstQueued ??= id;
            lastQueued = id;
        }
        if (firstQueued is { } from && lastQueued is { } to)
            for (var start = from; start <= to; start += options.Value.SendChunkSize)
                await w.PublishAsync(new SendNoticeChunk(Guid.Parse(b.Id), b.Run, start, Math.Min(to, start + options.Value.SendChunkSize - 1)));
        return true;
    }

    /// <summary>The text one language gets, rendered once per run and stored, so every resident of a language reads the same.</summary>
    private async Task<Version> VersionAsync(WriteTransaction w, BroadcastRow b, NoticeTemplate template,
        IReadOnlyDictionary<string, string> values, Dictionary<string, Version> versions, string? wanted)
    {
        var key = wanted ?? Languages.Vietnamese;
        if (versions.TryGetValue(key, out var known)) return known;
        var rendered = TemplateRenderer.Render(template, wanted, values, directory);
        if (!versions.TryGetValue(rendered.Language, out var stored))
        {
            await w.Connection.ExecuteAsync(
                w.Dialect.InsertIgnore("broadcast_versions", "broadcast_id, run, language, sms_text, zalo_text", "@Id, @Run, @Language, @Sms, @Zalo",
                    "broadcast_id = @Id AND run = @Run AND language = @Language"),
                new { b.Id, b.Run, rendered.Language, rendered.Sms, rendered.Zalo }, w.Tx);
            stored = new Version(rendered.Language, rendered.Sms, rendered.Zalo, false);
            versions[rendered.Language] = stored;
        }
        var version = stored with { Fallback = rendered.Fallback };
        versions[key] = version;
        return version;
    }

    private static DbCommand PrepareInsert(DbConnection c, DbTransaction tx)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText =
            """
            INSERT INTO notice_deliveries (id, broadcast_id, run, resident_id, commune_code, language, wanted_language, channel_key, channel_type, urn, status, reason, attempts, segments, updated_at)
            VALUES (@id, @broadcast, @run, @resident, @commune, @language, @wanted, @channelKey, @channelType, @urn, @status, @reason, 0, @segments, @now)
            """;
        foreach (var name in new[] { "id", "broadcast", "run", "resident", "commune", "language", "wanted", "channelKey", "channelType", "urn", "status", "reason", "segments", "now" })
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    private static void Set(DbCommand cmd, long id, BroadcastRow b, AudienceMember m, string language, ChannelChoice choice, string status, string? reason, int segments, long now)
    {
        var p = cmd.Parameters;
        p[0].Value = id;
        p[1].Value = b.Id;
        p[2].Value = b.Run;
        p[3].Value = m.ResidentId;
        p[4].Value = m.CommuneCode;
        p[5].Value = language;
        p[6].Value = (object?)m.Language ?? DBNull.Value;
        p[7].Value = (object?)choice.ChannelKey ?? DBNull.Value;
        p[8].Value = (object?)choice.ChannelType ?? DBNull.Value;
        p[9].Value = (object?)choice.Urn ?? DBNull.Value;
        p[10].Value = status;
        p[11].Value = (object?)reason ?? DBNull.Value;
        p[12].Value = segments;
        p[13].Value = now;
    }

    private sealed record Version(string Language, string Sms, string Zalo, bool Fallback)
    {
        private readonly int _smsCost = OutboundSender.Cost(Gateway.Channels.ChannelTypes.Twilio, Sms);

        public string TextFor(string channelType) => channelType == Gateway.Channels.ChannelTypes.Zalo ? Zalo : Sms;

        /// <summary>What <see cref="OutboundSender.Cost"/> gives for this version's text on that channel type (0 when skipped), counted once.</summary>
        public int CostFor(string? channelType) =>
            channelType is null ? 0 : Gateway.Channels.ChannelTypes.IsSms(channelType) ? _smsCost : OutboundSender.Cost(channelType, TextFor(channelType));
    }
}
