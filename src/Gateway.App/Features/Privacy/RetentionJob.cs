using Dapper;
using Gateway.App.Features.Messages;
using Gateway.App.Infrastructure;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Infrastructure.Background;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// Every <see cref="RetentionOptions.Interval"/>: anonymises (see <see cref="Anonymised"/>) what is older than its kind's
/// period: resolved conversations with their messages, messages that never joined a conversation, finished notice
/// deliveries, and audit details. Work goes in chunks of <see cref="RetentionOptions.ChunkSize"/> rows, one write
/// transaction each under the write lock, so ingest waits for one chunk at most. Rows in flight (queued, sending,
/// retrying, held) are left for a later pass. A pass only reads rows not yet anonymised (filtered indexes).
/// </summary>
public sealed class RetentionJob(Db db, DbWriter writer, IOptionsMonitor<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
    : PeriodicWork(time, logger)
{
    public sealed record Pass(int Conversations, int Messages, int Deliveries, int AuditRows)
    {
        public int Total => Conversations + Messages + Deliveries + AuditRows;
    }

    /// <summary>
    /// Finished messages outside a conversation and finished deliveries: written out as literals, the deliveries' list is the
    /// filtered index's of 2026-12-02-010-privacy.sql (a query uses such an index only when it repeats its condition).
    /// </summary>
    internal const string FinishedMessages = "('" + MessageStatus.Keyword + "', '" + MessageStatus.Sent + "', '" + MessageStatus.Delivered + "', '" +
        MessageStatus.Read + "', '" + MessageStatus.Failed + "', '" + MessageStatus.Unknown + "')";
    internal const string FinishedDeliveries = "('" + NoticeDeliveryStatus.Sent + "', '" + NoticeDeliveryStatus.Delivered + "', '" + NoticeDeliveryStatus.Read + "', '" +
        NoticeDeliveryStatus.Failed + "', '" + NoticeDeliveryStatus.Unknown + "', '" + NoticeDeliveryStatus.Skipped + "', '" + NoticeDeliveryStatus.Cancelled + "')";

    protected override TimeSpan Interval => options.CurrentValue.Interval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        var pass = await RunAsync(ct);
        if (pass.Total > 0)
            Logger.LogInformation("Retention: anonymised {Conversations} conversation(s), {Messages} message(s), {Deliveries} notice delivery(ies), {Audit} audit row(s)",
                pass.Conversations, pass.Messages, pass.Deliveries, pass.AuditRows);
    }

    public async Task<Pass> RunAsync(CancellationToken ct = default)
    {
        var o = options.CurrentValue;
        var now = Time.NowMs();
        long? Cutoff(TimeSpan keep) => keep <= TimeSpan.Zero ? null : now - (long)keep.TotalMilliseconds;
        int conversations = 0, messages = 0, deliveries = 0, audit = 0;

        if (Cutoff(o.Conversations) is { } c1)
        {
            conversations = await ChunksAsync(ConversationsDueSql(db.Dialect, o.ChunkSize), new { cutoff = c1 },
                async (w, ids) => messages += await Anonymised.ConversationsAsync(w.Connection, w.Tx, ids, w.Now), ct);
            messages += await ChunksAsync(MessagesDueSql(db.Dialect, o.ChunkSize), new { cutoff = c1 },
                (w, ids) => Anonymised.MessagesAsync(w.Connection, w.Tx, ids, w.Now), ct);
        }
        if (Cutoff(o.Notices) is { } c2)
            deliveries = await ChunksAsync<long>(DeliveriesDueSql(db.Dialect, o.ChunkSize), new { cutoff = c2 },
                (w, ids) => Anonymised.DeliveriesAsync(w.Connection, w.Tx, ids, w.Now), ct);
        if (Cutoff(o.Audit) is { } c3)
            audit = await ChunksAsync<long>(AuditDueSql(db.Dialect, o.ChunkSize), new { cutoff = c3 },
                (w, ids) => Anonymised.AuditAsync(w.Connection, w.Tx, ids, w.Now), ct);
        return new Pass(conversations, messages, deliveries, audit);
    }

    /// <summary>
    /// Chunk after chunk: each transaction picks the next due rows itself (under the lock, so what it anonymises is what
    /// is due now) and anonymises them, which takes them out of the next pick. Ends at an empty pick.
    /// </summary>
    private async Task<int> ChunksAsync<TId>(string dueSql, object args, Func<WriteTransaction, IReadOnlyCollection<TId>, Task<int>> anonymise, CancellationToken ct)
    {
        var total = 0;
        while (!ct.IsCancellationRequested)
        {
            var done = await writer.WriteAsync(async w =>
            {
                var ids = (await w.Connection.QueryAsync<TId>(dueSql, args, w.Tx)).ToList();
                await anonymise(w, ids);
                return ids.Count;
            }, ct: ct);
            total += done;
            if (done == 0) break;
        }
        return total;
    }

    private Task<int> ChunksAsync(string dueSql, object args, Func<WriteTransaction, IReadOnlyCollection<string>, Task<int>> anonymise, CancellationToken ct) =>
        ChunksAsync<string>(dueSql, args, anonymise, ct);

    // Each pick names its filtered index's condition (anonymised_at IS NULL …) so both dialects can use it.
    internal static string ConversationsDueSql(SqlDialect d, int n) =>
        $"SELECT {d.TopPrefix(n.ToString())} id FROM conversations WHERE anonymised_at IS NULL AND resolved_at < @cutoff AND status = 'resolved' ORDER BY resolved_at {d.LimitSuffix(n.ToString())}";

    internal static string MessagesDueSql(SqlDialect d, int n) =>
        $"SELECT {d.TopPrefix(n.ToString())} id FROM messages WHERE anonymised_at IS NULL AND conversation_id IS NULL AND status IN {FinishedMessages} AND created_at < @cutoff ORDER BY created_at {d.LimitSuffix(n.ToString())}";

    internal static string DeliveriesDueSql(SqlDialect d, int n) =>
        $"SELECT {d.TopPrefix(n.ToString())} id FROM notice_deliveries WHERE anonymised_at IS NULL AND status IN {FinishedDeliveries} AND updated_at < @cutoff ORDER BY updated_at {d.LimitSuffix(n.ToString())}";

    internal static string AuditDueSql(SqlDialect d, int n) =>
        $"SELECT {d.TopPrefix(n.ToString())} id FROM audit_log WHERE anonymised_at IS NULL AND at < @cutoff ORDER BY at {d.LimitSuffix(n.ToString())}";
}
