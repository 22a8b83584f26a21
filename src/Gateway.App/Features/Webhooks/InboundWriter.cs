using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;

namespace Gateway.App.Features.Webhooks;

/// <summary>
/// Appends inbound messages to the write-ahead ingest log with grouped commits: every webhook waits for its row to
/// be committed before it is answered, but concurrent webhooks share one transaction (one fsync), and the row goes
/// to a table with no secondary index, in a file (on SQLite) no other writer locks. Deduplication, routing and
/// everything else happen after, in <see cref="Routing.IngestLogMover"/>, at whatever pace is left.
/// </summary>
public sealed class InboundWriter(IngestLogDb log, TimeProvider time, ILogger<InboundWriter> logger) : BackgroundService
{
    private const int MaxBatch = 1024;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16 * MaxBatch)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // back-pressure on the webhooks instead of unbounded memory
    });
    private long _appended;

    /// <summary>Raised after each commit: the mover wakes instead of polling.</summary>
    public event Action? Appended;

    /// <summary>Rows committed since start: the mover reads how busy ingest is from it.</summary>
    public long AppendedCount => Interlocked.Read(ref _appended);

    /// <returns>The id the message will have in <c>messages</c> (unless it turns out to be a provider's repeat).</returns>
    public async Task<Guid> StoreAsync(string channelKey, MessageReceived message, CancellationToken ct)
    {
        var pending = new Pending(channelKey, message, Guid.CreateVersion7(), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Features.Logging.Correlation.Current);
        await _queue.Writer.WriteAsync(pending, ct);
        await pending.Done.Task.WaitAsync(ct);
        return pending.Id;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        var reader = _queue.Reader;
        Append? append = null;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && reader.TryRead(out var p)) batch.Add(p);
                try
                {
                    append ??= await Append.OpenAsync(log, stoppingToken);
                    await append.WriteAsync(batch, time.NowMs(), stoppingToken);
                    foreach (var p in batch) p.Done.TrySetResult();
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The webhooks answer 500 and the provider retries; nothing was acknowledged.
                    logger.LogWarning(ex, "Appending {Count} inbound messages to the ingest log failed", batch.Count);
                    if (append is not null) await append.DisposeAsync();
                    append = null;
                    foreach (var p in batch) p.Done.TrySetException(ex);
                    continue;
                }
                Interlocked.Add(ref _appended, batch.Count);
                Appended?.Invoke();
            }
        }
        finally
        {
            if (append is not null) await append.DisposeAsync();
            // Anything still queued at shutdown was never acknowledged: the provider will retry it.
            while (reader.TryRead(out var p)) p.Done.TrySetCanceled();
        }
    }

    /// <summary>One connection and one prepared INSERT reused across batches: no SQL parsed per row.</summary>
    private sealed class Append : IAsyncDisposable
    {
        private readonly IngestLogDb _log;
        private readonly DbConnection _connection;
        private readonly DbCommand _insert;
        private readonly DbParameter[] _p;

        private Append(IngestLogDb log, DbConnection connection)
        {
            _log = log;
            _connection = connection;
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO ingest_log (message_id, channel_key, urn, provider_message_id, raw_text, text, attachments, correlation_id, received_at) " +
                                  "VALUES (@id, @channel, @urn, @pid, @raw, @text, @attachments, @correlation, @at)";
            _p = new[] { "@id", "@channel", "@urn", "@pid", "@raw", "@text", "@attachments", "@correlation", "@at" }.Select(name =>
            {
                var p = _insert.CreateParameter();
                p.ParameterName = name;
                _insert.Parameters.Add(p);
                return p;
            }).ToArray();
        }

        public static async Task<Append> OpenAsync(IngestLogDb log, CancellationToken ct) => new(log, await log.OpenAsync(ct));

        public async Task WriteAsync(IReadOnlyList<Pending> batch, long now, CancellationToken ct)
        {
            using var writing = await _log.WriteLockAsync(urgent: true, ct);
            await using var tx = await _connection.BeginTransactionAsync(ct);
            _insert.Transaction = tx;
            foreach (var (channelKey, m, id, _, correlationId) in batch)
            {
                _p[0].Value = id.ToString();
                _p[1].Value = channelKey;
                _p[2].Value = m.From.ToString();
                _p[3].Value = (object?)m.ProviderMessageId ?? DBNull.Value;
                _p[4].Value = m.RawText;
                _p[5].Value = m.Text;
                _p[6].Value = (object?)Attachments(m) ?? DBNull.Value;
                _p[7].Value = (object?)correlationId ?? DBNull.Value;
                _p[8].Value = now;
                await _insert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            _insert.Transaction = null;
        }

        public async ValueTask DisposeAsync()
        {
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    private static string? Attachments(MessageReceived m)
    {
        if (m.Attachments.Count == 0 && m.Location is null) return null;
        return JsonSerializer.Serialize(new { media = m.Attachments, location = m.Location });
    }

    private sealed record Pending(string ChannelKey, MessageReceived Message, Guid Id, TaskCompletionSource Done, string? CorrelationId);
}
