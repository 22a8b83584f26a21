using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Settles sends a crash interrupted (replies left <c>unknown</c> with <c>interrupted</c>, notice deliveries
/// <c>checking</c>) by asking providers that can be asked
/// (<see cref="IReconcilingAdapter"/>: Twilio's message list): one the provider has is recorded as sent with its
/// id; one it does not have is queued again, so it goes once. No answer leaves it unknown for the next pass.
/// Replies and notices alike; channels that cannot be asked keep their unknowns for review.
/// </summary>
public sealed class InterruptedSendReconciler(
    Db db, ChannelCatalog channels, IHttpClientFactory httpFactory, TimeProvider time,
    IOptions<OutboundOptions> options, ILogger<InterruptedSendReconciler> logger) : PeriodicWork(time, logger)
{
    public const string Interrupted = "interrupted";
    private const int Page = 100;

    protected override TimeSpan Interval => options.Value.ReconcileInterval;

    // Not at the very start: the sweepers settle what the last process left first; the next pass asks.
    protected override Task RunOnceAsync(bool first, CancellationToken ct) => first ? Task.CompletedTask : PassAsync(ct);

    /// <returns>How many sends were settled (found or queued again).</returns>
    public async Task<int> PassAsync(CancellationToken ct)
    {
        var askable = channels.All.Where(c => c.Adapter is IReconcilingAdapter).ToDictionary(c => c.Key, StringComparer.OrdinalIgnoreCase);
        if (askable.Count == 0) return 0;
        var keys = askable.Keys.ToArray();
        List<Pending> messages, notices;
        await using (var c = await db.OpenAsync(ct))
        {
            messages = (await c.QueryAsync<Pending>(
                $"""
                SELECT {db.Dialect.TopPrefix(Page.ToString())} id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, created_at AS Since
                FROM messages WHERE direction = 'out' AND status = 'unknown' AND error_code = @Interrupted AND channel_key IN @keys
                ORDER BY created_at {db.Dialect.LimitSuffix(Page.ToString())}
                """, new { Interrupted, keys })).ToList();
            notices = (await c.QueryAsync<Pending>(
                $"""
                SELECT {db.Dialect.TopPrefix(Page.ToString())} CAST(d.id AS {db.Dialect.TextType}) AS Id, d.channel_key AS ChannelKey, d.urn AS Urn,
                       v.sms_text AS Text, COALESCE(b.started_at, 0) AS Since
                FROM notice_deliveries d
                JOIN broadcasts b ON b.id = d.broadcast_id
                JOIN broadcast_versions v ON v.broadcast_id = d.broadcast_id AND v.run = d.run AND v.language = d.language
                WHERE d.status = @checking AND d.channel_key IN @keys
                ORDER BY d.id {db.Dialect.LimitSuffix(Page.ToString())}
                """, new { keys, checking = NoticeDeliveryStatus.Checking })).ToList();
        }
        var settled = 0;
        foreach (var (rows, table) in new[] { (messages, "messages"), (notices, "notice_deliveries") })
            foreach (var row in rows)
                if (await SettleAsync(row, table, askable[row.ChannelKey], ct)) settled++;
        if (settled > 0) Logger.LogInformation("Settled {Count} interrupted sends by asking the provider", settled);
        return settled;
    }

    private async Task<bool> SettleAsync(Pending row, string table, ChannelInstance channel, CancellationToken ct)
    {
        var message = new OutboundMessage(Guid.Empty, Urn.Parse(row.Urn), row.Text, null, 0);
        var since = DateTimeOffset.FromUnixTimeMilliseconds(row.Since);
        LookupResult found;
        try
        {
            found = await ((IReconcilingAdapter)channel.Adapter).FindSentAsync(message, since, channel.Options, httpFactory.CreateClient("channels"), ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            found = new LookupResult.Unavailable(e.GetType().Name);
        }
        var now = Time.NowMs();
        var isNotice = table == "notice_deliveries";
        var id = isNotice ? (object)long.Parse(row.Id) : row.Id;
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        switch (found)
        {
            case LookupResult.Found f:
                await c.ExecuteAsync(isNotice
                        ? "UPDATE notice_deliveries SET status = @sent, provider_message_id = @pid, reason = NULL, error_message = NULL, updated_at = @now WHERE id = @id AND status = @unknown"
                        : "UPDATE messages SET status = @sent, provider_message_id = @pid, error_code = NULL, error_message = NULL, updated_at = @now WHERE id = @id AND status = @unknown",
                    new { sent = f.Status == DeliveryStatus.Delivered ? "delivered" : "sent", pid = f.ProviderMessageId, now, id, unknown = isNotice ? NoticeDeliveryStatus.Checking : "unknown" });
                return true;
            case LookupResult.NotFound:
                // The provider never got it: queue it again, the claim makes sure it goes once.
                await c.ExecuteAsync(isNotice
                        ? "UPDATE notice_deliveries SET status = 'retrying', next_attempt_at = @now, reason = 'interrupted-not-at-provider', updated_at = @now WHERE id = @id AND status = @unknown"
                        : "UPDATE messages SET status = 'retrying', next_attempt_at = @now, error_code = 'interrupted-not-at-provider', updated_at = @now WHERE id = @id AND status = @unknown",
                    new { now, id, unknown = isNotice ? NoticeDeliveryStatus.Checking : "unknown" });
                return true;
            default:
                return false;
        }
    }

    private sealed class Pending
    {
        public string Id { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Text { get; init; } = "";
        public long Since { get; init; }
    }
}
