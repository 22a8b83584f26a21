using System.Data.Common;
using Dapper;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Messaging;
using Gateway.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Moves messages from the write-ahead ingest log into <c>messages</c> (deduplicated there: a provider's repeat is
/// dropped) and puts them on the bus for routing, never more than <see cref="IngestOptions.RoutingWindow"/> at a time
/// (unrouted messages plus the sends routing queued): the rest of a backlog waits in the log, on disk, not in memory. While a burst lasts (ingest above <see cref="IngestOptions.BurstThreshold"/>/s) it moves only a trickle
/// (<see cref="IngestOptions.RoutingDuringBurst"/>/s), so the webhooks keep the CPU; after, it moves as fast as
/// routing takes them. Moves go in log order, which routing keeps, so each resident's messages stay in arrival order.
/// </summary>
public sealed class IngestLogMover(
    IngestLogDb log, Db db, InboundWriter ingest, IServiceScopeFactory scopes, IBusControl bus, ResidentKeys keys,
    TimeProvider time, IOptions<IngestOptions> options, IOptions<Infrastructure.Outbox.OutboxOptions> outbox, ILogger<IngestLogMover> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly List<InboundMessageReceived> _unpublished = [];
    private long _lastAppended;
    private long _lastSample = Environment.TickCount64;
    private double _ingestRate;
    private double _burstBudget;

    /// <returns>Rows moved; 0 when the log is empty; -1 when the window is full or the burst budget spent.</returns>
    private async Task<int> MoveOnceAsync(CancellationToken ct)
    {
        if (!await PublishAsync(_unpublished, ct)) return -1;
        var inFlight = await InFlightAsync(ct);
        var room = options.Value.RoutingWindow - inFlight;
        // Wait until a quarter of the window is free rather than trickling a few rows per transaction: each move is
        // two commits (messages, then the log), so tiny moves spend the drain on fsyncs.
        if (room <= 0 || (inFlight > 0 && room < Math.Min(options.Value.MoveBatch, options.Value.RoutingWindow / 4))) return -1;
        var take = Math.Min(room, options.Value.MoveBatch);
        if (Bursting() && (take = Math.Min(take, (int)_burstBudget)) <= 0) return -1;

        List<LogRow> rows;
        await using (var c = await log.OpenAsync(ct))
            rows = (await c.QueryAsync<LogRow>(
                $"SELECT {log.Dialect.TopPrefix("@take")} position AS Position, message_id AS MessageId, channel_key AS ChannelKey, urn AS Urn, provider_message_id AS ProviderMessageId, raw_text AS RawText, text AS Text, attachments AS Attachments, correlation_id AS CorrelationId, received_at AS ReceivedAt FROM ingest_log ORDER BY position {log.Dialect.LimitSuffix("@take")}",
                new { take })).ToList();
        if (rows.Count == 0) return 0;
        if (Bursting()) _burstBudget -= rows.Count;

        var inserted = await InsertAsync(rows, ct);
        await DeleteAsync(rows, ct);
        var events = rows.Where((_, i) => inserted[i]).Select(r => new InboundMessageReceived(Guid.Parse(r.MessageId), r.ChannelKey, keys.Of(r.Urn))).ToList();
        _unpublished.AddRange(events);
        await PublishAsync(_unpublished, ct);
        return rows.Count;
    }

    /// <summary>
    /// Until the message is in <c>messages</c> (or <paramref name="limit"/> passes): for the simulator, whose page shows
    /// the thread right after sending. A webhook never waits for this: its 200 means the log has it.
    /// </summary>
    public async Task WaitMovedAsync(Guid messageId, TimeSpan limit, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            await using (var c = await db.OpenAsync(ct))
                if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE id = @id", new { id = messageId.ToString() }) > 0) return;
            await Task.Delay(10, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ingest.Appended += Wake;
        try
        {
            await BusReadiness.WaitAsync(bus, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                int moved;
                try
                {
                    SampleIngestRate();
                    moved = await MoveOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The rows stay in the log (or, moved, in messages as received): nothing is lost; try again soon.
                    logger.LogWarning(ex, "Moving messages from the ingest log failed; retrying");
                    moved = -1;
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                // Window full or burst budget spent: look again soon (routing frees the window as it goes). Idle: wait
                // for the next append or a poll (on RabbitMQ another instance's appends do not wake this one).
                if (moved < 0) await Task.Delay(TimeSpan.FromMilliseconds(20), stoppingToken);
                else if (moved == 0) await _wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally { ingest.Appended -= Wake; }
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    private bool Bursting() => _ingestRate >= options.Value.BurstThreshold;

    private void SampleIngestRate()
    {
        var nowTicks = Environment.TickCount64;
        var elapsed = (nowTicks - _lastSample) / 1000.0;
        if (elapsed < 0.1) return;
        var appended = ingest.AppendedCount;
        _ingestRate = (appended - _lastAppended) / elapsed;
        _lastAppended = appended;
        _lastSample = nowTicks;
        _burstBudget = Math.Min(_burstBudget + elapsed * options.Value.RoutingDuringBurst, Math.Max(1, options.Value.RoutingDuringBurst / 5.0));
    }

    /// <summary>
    /// Work on the bus, by the table: unrouted messages (<c>received</c>, touched recently) and the acknowledgements and
    /// prompts routing queued that are not sent yet. Counting the sends too keeps the bus bounded when sending is slower
    /// than routing (a paced provider): routing then goes at the pace sending takes, and the rest waits in the log.
    /// One lost by a crash of the in-memory bus falls out of the count after <c>Outbox:StaleAfter</c> and is re-issued.
    /// </summary>
    private async Task<int> InFlightAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var since = time.NowMs() - (long)outbox.Value.StaleAfter.TotalMilliseconds;
        return await c.ExecuteScalarAsync<int>(
            """
            SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received' AND updated_at > @since)
                 + (SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued' AND updated_at > @since)
            """, new { since });
    }

    /// <returns>Per row, whether it was new (false: a provider's repeat, or a move repeated after a crash).</returns>
    private async Task<bool[]> InsertAsync(IReadOnlyList<LogRow> rows, CancellationToken ct)
    {
        var insert = db.Dialect.InsertIgnore("messages",
            "id, direction, kind, channel_key, urn, provider_message_id, raw_text, text, attachments, status, attempts, correlation_id, created_at, updated_at",
            "@Id, 'in', 'resident', @ChannelKey, @Urn, @ProviderMessageId, @RawText, @Text, @Attachments, 'received', 0, @CorrelationId, @ReceivedAt, @Now",
            "id = @Id OR (channel_key = @ChannelKey AND direction = 'in' AND provider_message_id = @ProviderMessageId)");
        var inserted = new bool[rows.Count];
        await using var c = await db.OpenAsync(ct);
        using (await db.WriteLockAsync(ct: ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = insert;
            var names = new[] { "@Id", "@ChannelKey", "@Urn", "@ProviderMessageId", "@RawText", "@Text", "@Attachments", "@ReceivedAt", "@Now", "@CorrelationId" };
            var p = names.Select(n => { var x = cmd.CreateParameter(); x.ParameterName = n; cmd.Parameters.Add(x); return x; }).ToArray();
            var now = time.NowMs();
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                p[0].Value = r.MessageId; p[1].Value = r.ChannelKey; p[2].Value = r.Urn;
                p[3].Value = (object?)r.ProviderMessageId ?? DBNull.Value; p[4].Value = r.RawText; p[5].Value = r.Text;
                p[6].Value = (object?)r.Attachments ?? DBNull.Value; p[7].Value = r.ReceivedAt; p[8].Value = now;
                p[9].Value = (object?)r.CorrelationId ?? DBNull.Value;
                inserted[i] = await cmd.ExecuteNonQueryAsync(ct) == 1;
            }
            await tx.CommitAsync(ct);
        }
        return inserted;
    }

    private async Task DeleteAsync(IReadOnlyList<LogRow> rows, CancellationToken ct)
    {
        await using var c = await log.OpenAsync(ct);
        using var writing = await log.WriteLockAsync(ct: ct);
        // By position list, not "position <= max": on SQL Server an identity can commit after a higher one was read.
        foreach (var chunk in rows.Chunk(500))
            await c.ExecuteAsync("DELETE FROM ingest_log WHERE position IN @Positions", new { Positions = chunk.Select(r => r.Position).ToArray() });
    }

    /// <returns>False when the bus refused (broker down): the events stay queued here, their rows stay received.</returns>
    private async Task<bool> PublishAsync(List<InboundMessageReceived> events, CancellationToken ct)
    {
        if (events.Count == 0) return true;
        try
        {
            using var scope = scopes.CreateScope();
            var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
            foreach (var e in events) await publisher.Publish(e, ct);
            events.Clear();
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Publishing {Count} routing events failed; keeping them to publish again", events.Count);
            return false;
        }
    }

    private sealed class LogRow
    {
        public long Position { get; init; }
        public string MessageId { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string? ProviderMessageId { get; init; }
        public string RawText { get; init; } = "";
        public string Text { get; init; } = "";
        public string? Attachments { get; init; }
        public string? CorrelationId { get; init; }
        public long ReceivedAt { get; init; }
    }
}

public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>At most this many inbound messages on the bus at once; the rest of a backlog waits in the ingest log.</summary>
    public int RoutingWindow { get; set; } = 1024;

    /// <summary>Rows moved from the log per transaction.</summary>
    public int MoveBatch { get; set; } = 256;

    /// <summary>Ingest above this many webhooks a second is a burst: routing then gets only a trickle.</summary>
    public double BurstThreshold { get; set; } = 2000;

    /// <summary>Messages a second moved to routing while a burst lasts (0 = none until it ends).</summary>
    public double RoutingDuringBurst { get; set; } = 250;

    /// <summary>How often the log is looked at when nothing wakes the mover (another instance's appends, a freed window).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
