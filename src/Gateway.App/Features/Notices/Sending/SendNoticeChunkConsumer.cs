using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Outbound.Pacing;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Contracts;
using MassTransit;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>
/// Sends one chunk of a broadcast run through the shared outbound path, a few dozen at a time: claim
/// (queued → sending) in one transaction, send at the channel's pace behind replies, record in one transaction.
/// Before each claim it checks the broadcast is still sending and the hour is decent, so pause, cancel and the
/// end of the quiet-hours window stop it between claims; a claimed row is never sent twice.
/// </summary>
public sealed class SendNoticeChunkConsumer(
    Db db, BroadcastStore store, BroadcastRuns runs, OutboundSender sender, QuietHours quietHours, TimeProvider time,
    NoticeChannelPolicy policy, TemplateStore templates, CommuneDirectory directory,
    Infrastructure.GatewayInstance instance, Microsoft.Extensions.Options.IOptions<Outbound.OutboundOptions> outbound,
    ILogger<SendNoticeChunkConsumer> logger) : IConsumer<SendNoticeChunk>
{
    public const int ClaimSize = 50;

    public async Task Consume(ConsumeContext<SendNoticeChunk> context)
    {
        var chunk = context.Message;
        var ct = context.CancellationToken;
        var id = chunk.BroadcastId.ToString();
        Dictionary<string, (string Sms, string Zalo)>? texts = null;
        OutboundTemplate? zns = null;
        while (!ct.IsCancellationRequested)
        {
            var b = await store.FindAsync(id);
            if (b is null || b.Status != BroadcastStatus.Sending || b.Run != chunk.Run) return;
            if (!b.Emergency && !quietHours.IsSendingAllowed(time.GetUtcNow()))
            {
                await runs.WaitForWindowAsync(b);
                return;
            }
            if (texts is null)
            {
                texts = await TextsAsync(id, chunk.Run);
                if (await templates.FindAsync(b.TemplateKey, ct) is { } template) zns = TemplateRenderer.Zns(template, b.VariableValues, directory);
            }
            var claimed = await ClaimAsync(chunk);
            if (claimed.Count == 0) break;
            var results = await Task.WhenAll(claimed.Select(row =>
            {
                var (sms, zalo) = texts[row.Language];
                var text = row.ChannelType == ChannelTypes.Zalo ? zalo : sms;
                // The delivery's id is its reference at the provider, the same on every attempt: eSMS refuses a
                // repeated RequestId, so a send repeated after a crash is not delivered twice.
                return sender.SendAsync(Guid.CreateVersion7(), row.ChannelKey, row.Urn, text, row.Attempts, SendPriority.Notice, ct,
                    Reference(row.Id), row.ChannelType == ChannelTypes.Zns ? zns : null);
            }));
            await RecordAsync(b, zns is not null, claimed, results, texts);
        }
        await runs.TryCompleteAsync(id);
    }

    private async Task<Dictionary<string, (string, string)>> TextsAsync(string id, int run)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<(string Language, string Sms, string Zalo)>(
                "SELECT language, sms_text, zalo_text FROM broadcast_versions WHERE broadcast_id = @id AND run = @run", new { id, run }))
            .ToDictionary(v => v.Language, v => (v.Sms, v.Zalo));
    }

    private async Task<List<ClaimedRow>> ClaimAsync(SendNoticeChunk chunk)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        var now = time.NowMs();
        var args = new
        {
            id = chunk.BroadcastId.ToString(), chunk.Run, from = chunk.FromDeliveryId, to = chunk.ToDeliveryId, now,
            queued = NoticeDeliveryStatus.Queued, retrying = NoticeDeliveryStatus.Retrying, sending = NoticeDeliveryStatus.Sending,
        };
        var ids = (await c.QueryAsync<long>(
            $"""
            SELECT {db.Dialect.TopPrefix(ClaimSize.ToString())} id FROM notice_deliveries
            WHERE broadcast_id = @id AND run = @Run AND id BETWEEN @from AND @to
              -- IN first: an OR at the top made SQLite read and sort every queued row of the run (0.2 s a claim at 1M rows, under the write lock)
              AND status IN (@queued, @retrying) AND (status = @queued OR next_attempt_at <= @now)
            ORDER BY id {db.Dialect.LimitSuffix(ClaimSize.ToString())}
            """, args, tx)).ToList();
        if (ids.Count == 0) return [];
        await c.ExecuteAsync(
            // The lease: which instance sends these and until when; past it the scheduler's sweep settles them.
            "UPDATE notice_deliveries SET status = @sending, attempts = attempts + 1, lease_owner = @owner, lease_until = @until, updated_at = @now WHERE id IN @ids AND status IN (@queued, @retrying)",
            new { ids, now, args.sending, args.queued, args.retrying, owner = instance.Id, until = now + (long)outbound.Value.LeaseDuration.TotalMilliseconds }, tx);
        var rows = (await c.QueryAsync<ClaimedRow>(
            "SELECT id AS Id, resident_id AS ResidentId, channel_key AS ChannelKey, channel_type AS ChannelType, urn AS Urn, language AS Language, attempts AS Attempts FROM notice_deliveries WHERE id IN @ids ORDER BY id",
            new { ids }, tx)).ToList();
        await tx.CommitAsync();
        return rows;
    }

    /// <summary>What a notice delivery is called at the provider (eSMS RequestId, ZNS tracking_id).</summary>
    public static string Reference(long deliveryId) => $"notice-{deliveryId}";

    private async Task RecordAsync(BroadcastRow b, bool znsTemplate, IReadOnlyList<ClaimedRow> rows, IReadOnlyList<SendResult> results,
        Dictionary<string, (string Sms, string Zalo)> texts)
    {
        var broadcastId = b.Id;
        var zns = znsTemplate && await policy.ZnsUsableAsync(await templates.FindAsync(b.TemplateKey) ?? throw new InvalidOperationException("template gone"), b.ProvinceCode);
        await using var c = await db.OpenAsync(CancellationToken.None);
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        var now = time.NowMs();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            Metrics.GatewayMetrics.SendRecorded(row.ChannelKey, results[i], "notice");
            var next = results[i] is SendResult.Failed { Kind: FailureKind.Unreachable or FailureKind.QuotaSpent }
                ? await NextWayAsync(c, tx, b, zns, row) : null;
            switch (results[i])
            {
                case SendResult.Sent sent:
                    await c.ExecuteAsync(
                        "UPDATE notice_deliveries SET status = @status, provider_message_id = @pid, reason = NULL, error_message = NULL, updated_at = @now WHERE id = @Id AND status = @sending AND lease_owner = @owner",
                        new { status = sent.Status == DeliveryStatus.Delivered ? NoticeDeliveryStatus.Delivered : NoticeDeliveryStatus.Sent,
                              pid = sent.ProviderMessageId, now, row.Id, sending = NoticeDeliveryStatus.Sending, owner = instance.Id }, tx);
                    break;
                case SendResult.Failed { Kind: FailureKind.Unreachable or FailureKind.QuotaSpent } definite
                    when next is not null:
                    // Definitely not delivered here (no Zalo account, bad phone, not a follower, quota spent): the
                    // next way of the province's order takes it, never after a timeout, which may have delivered.
                    var (sms, zalo) = texts[row.Language];
                    var (_, nextChannel, nextUrn) = next.Value;
                    var fallback = new DynamicParameters();
                    fallback.AddDynamicParams(new
                    {
                        key = nextChannel.Key, type = nextChannel.Type, urn = nextUrn, queued = NoticeDeliveryStatus.Queued, code = definite.Code,
                        message = OutboundSender.Truncate(definite.Message), now, id = row.Id, sending = NoticeDeliveryStatus.Sending, owner = instance.Id,
                        segments = OutboundSender.Cost(nextChannel.Type, nextChannel.Type == ChannelTypes.Zalo ? zalo : sms),
                    });
                    await c.ExecuteAsync(
                        """
                        UPDATE notice_deliveries SET channel_key = @key, channel_type = @type, urn = @urn, status = @queued, attempts = 0,
                               next_attempt_at = NULL, fallback_reason = @code, reason = NULL, error_message = @message, segments = @segments, updated_at = @now
                        WHERE id = @id AND status = @sending AND lease_owner = @owner
                        """,
                        fallback, tx);
                    break;
                case SendResult.Failed failed when sender.MayRetry(failed, row.Attempts):
                    var delay = sender.RetryDelay(row.Attempts, failed.RetryAfter);
                    // A parked send (the channel could not send now) does not spend one of the delivery's attempts.
                    await c.ExecuteAsync(
                        "UPDATE notice_deliveries SET status = @retrying, next_attempt_at = @next, reason = @Code, error_message = @message, attempts = attempts - @refund, updated_at = @now WHERE id = @Id AND status = @sending AND lease_owner = @owner",
                        new { retrying = NoticeDeliveryStatus.Retrying, next = now + (long)delay.TotalMilliseconds, failed.Code,
                              message = OutboundSender.Truncate(failed.Message), refund = OutboundSender.IsParked(failed) ? 1 : 0,
                              now, row.Id, sending = NoticeDeliveryStatus.Sending, owner = instance.Id }, tx);
                    break;
                case SendResult.Failed failed:
                    await c.ExecuteAsync(
                        "UPDATE notice_deliveries SET status = @failedStatus, reason = @Code, error_message = @message, updated_at = @now WHERE id = @Id AND status = @sending AND lease_owner = @owner",
                        new { failedStatus = NoticeDeliveryStatus.Failed, failed.Code, message = OutboundSender.Truncate(failed.Message), now, row.Id,
                              sending = NoticeDeliveryStatus.Sending, owner = instance.Id }, tx);
                    logger.LogWarning("Notice delivery {Delivery} of broadcast {Broadcast} via {Channel} failed for good ({Code})", row.Id, broadcastId, row.ChannelKey, failed.Code);
                    break;
            }
        }
        await c.ExecuteAsync("UPDATE broadcasts SET last_progress_at = @now WHERE id = @broadcastId", new { now, broadcastId }, tx);
        await tx.CommitAsync();
    }

    private async Task<(string Way, Channels.ChannelInstance Channel, string Urn)?> NextWayAsync(
        System.Data.Common.DbConnection c, System.Data.Common.DbTransaction tx, BroadcastRow b, bool zns, ClaimedRow row)
    {
        string? First(IEnumerable<(string Urn, string Scheme)> a, string scheme) => a.Where(x => x.Scheme == scheme).Select(x => x.Urn).FirstOrDefault();
        var addresses = (await c.QueryAsync<(string Urn, string Scheme)>(
            "SELECT urn, scheme FROM resident_addresses WHERE resident_id = @ResidentId ORDER BY created_at, urn", new { row.ResidentId }, tx)).ToList();
        return policy.NextWay(b.ProvinceCode, zns, NoticeChannelPolicy.WayOf(row.ChannelType), First(addresses, "tel"), First(addresses, "zalo"));
    }

    public sealed class ClaimedRow
    {
        public string ResidentId { get; init; } = "";
        public long Id { get; init; }
        public string ChannelKey { get; init; } = "";
        public string ChannelType { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Language { get; init; } = "";
        public int Attempts { get; init; }
    }
}
