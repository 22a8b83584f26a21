using System.Diagnostics.Metrics;
using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Metrics;

/// <summary>
/// The gauges read from the database: the backlog per stage and channel, each channel's state and token, and the
/// progress of every running broadcast. One sample serves every gauge of a scrape and is reused for
/// <see cref="MaxAge"/>, so however many scrapers poll, the database sees a few grouped counts every few seconds.
/// </summary>
public sealed class GatewayGauges : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Stages of the backlog, as the <c>stage</c> label says them.</summary>
    public const string Unrouted = "unrouted", Queued = "queued", Retrying = "retrying", Unknown = "unknown";

    private static readonly string[] Stages = [Unrouted, Queued, Retrying, Unknown];
    private static readonly string[] RunningBroadcast = [BroadcastStatus.Sending, BroadcastStatus.Paused, BroadcastStatus.WaitingQuietHours];

    private readonly Db _db;
    private readonly IngestLogDb _log;
    private readonly ChannelCatalog _channels;
    private readonly ChannelStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger<GatewayGauges> _logger;
    private readonly Meter _meter = new(GatewayMetrics.MeterName);
    private readonly Lock _lock = new();
    private Sample _sample = Sample.Empty;

    public GatewayGauges(Db db, IngestLogDb log, ChannelCatalog channels, ChannelStatus status, TimeProvider time, ILogger<GatewayGauges> logger)
    {
        (_db, _log, _channels, _status, _time, _logger) = (db, log, channels, status, time, logger);
        _meter.CreateObservableGauge("gateway.backlog", () => Current().Backlog, "{message}",
            "Messages waiting, per stage (unrouted: in the ingest log or received, not yet routed; queued; retrying; unknown: interrupted mid-send) and channel.");
        _meter.CreateObservableGauge("gateway.channel.usable", () => Current().Usable, "1",
            "1 when the channel can send now, 0 when it cannot (token, quota, stopped), per channel and type.");
        _meter.CreateObservableGauge("gateway.channel.state", () => Current().States, "1",
            "1 for the channel's current state (ok, quota_spent, stopped, needs_consent, expired, misconfigured).");
        _meter.CreateObservableGauge("gateway.channel.token.expires_in", () => Current().TokenExpiry, "s",
            "Seconds until the Zalo OA access token a channel sends with expires (negative: expired).");
        _meter.CreateObservableGauge("gateway.broadcast.deliveries", () => Current().Broadcasts, "{delivery}",
            "Deliveries of each running broadcast's current run, per state (queued, sent, failed, skipped).");
    }

    /// <summary>The last sample, read again when it is older than <see cref="MaxAge"/> (a failed read keeps the old one).</summary>
    public Sample Current()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now - _sample.TakenAt < MaxAge) return _sample;
            try
            {
                // Gauge callbacks are synchronous; one read per MaxAge, under this lock, is the whole cost.
                _sample = ReadAsync(now).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Reading the backlog gauges failed; /metrics shows the previous sample");
                _sample = _sample with { TakenAt = now };
            }
            return _sample;
        }
    }

    private async Task<Sample> ReadAsync(DateTimeOffset now)
    {
        var backlog = new Dictionary<(string Stage, string Channel), long>();
        foreach (var c in _channels.All)
            foreach (var stage in Stages) backlog[(stage, c.Key)] = 0;
        List<(string Broadcast, string Status, long N)> deliveries;
        // Unrouted includes what a burst left in the write-ahead ingest log, not yet moved into messages.
        await using (var l = await _log.OpenAsync())
            foreach (var (channel, n) in await l.QueryAsync<(string, long)>("SELECT channel_key, COUNT(*) FROM ingest_log GROUP BY channel_key"))
                backlog[(Unrouted, channel)] = backlog.GetValueOrDefault((Unrouted, channel)) + n;
        await using (var c = await _db.OpenAsync())
        {
            var rows = await c.QueryAsync<(string Channel, string Direction, string Status, long N)>(
                """
                SELECT channel_key, direction, status, COUNT(*) FROM messages
                WHERE (direction = 'in' AND status = 'received') OR (direction = 'out' AND status IN ('queued', 'retrying', 'unknown'))
                GROUP BY channel_key, direction, status
                """);
            foreach (var (channel, direction, status, n) in rows)
            {
                var stage = direction == "in" ? Unrouted : status;
                backlog[(stage, channel)] = backlog.GetValueOrDefault((stage, channel)) + n;
            }
            deliveries = (await c.QueryAsync<(string, string, long)>(
                """
                SELECT d.broadcast_id, d.status, COUNT(*) FROM notice_deliveries d
                JOIN broadcasts b ON b.id = d.broadcast_id AND b.run = d.run
                WHERE b.status IN @RunningBroadcast
                GROUP BY d.broadcast_id, d.status
                """, new { RunningBroadcast })).ToList();
        }
        var channels = await _status.AllAsync();
        var nowMs = now.ToUnixTimeMilliseconds();
        return new Sample(
            now,
            [.. backlog.Select(b => Gauge(b.Value, ("stage", b.Key.Stage), ("channel", b.Key.Channel)))],
            [.. channels.Select(s => Gauge(s.Usable ? 1 : 0, ("channel", s.Key), ("type", s.Type)))],
            [.. channels.Select(s => Gauge(1, ("channel", s.Key), ("state", s.State)))],
            [.. channels.Where(s => s.TokenExpiresAt is not null).Select(s => Gauge((s.TokenExpiresAt!.Value - nowMs) / 1000, ("channel", s.Key)))],
            [.. deliveries.GroupBy(d => (d.Broadcast, State: ProgressState(d.Status)))
                .Select(g => Gauge(g.Sum(d => d.N), ("broadcast", g.Key.Broadcast), ("state", g.Key.State)))]);
    }

    /// <summary>A delivery's status as broadcast progress says it.</summary>
    public static string ProgressState(string status) => status switch
    {
        NoticeDeliveryStatus.Sent or NoticeDeliveryStatus.Delivered or NoticeDeliveryStatus.Read => "sent",
        NoticeDeliveryStatus.Failed or NoticeDeliveryStatus.Unknown => "failed",
        NoticeDeliveryStatus.Skipped or NoticeDeliveryStatus.Cancelled => "skipped",
        _ => "queued", // queued, sending, retrying, checking: not finished yet
    };

    private static Measurement<long> Gauge(long value, params (string Key, string Value)[] tags) =>
        new(value, tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)).ToArray());

    public sealed record Sample(DateTimeOffset TakenAt, IReadOnlyList<Measurement<long>> Backlog, IReadOnlyList<Measurement<long>> Usable,
        IReadOnlyList<Measurement<long>> States, IReadOnlyList<Measurement<long>> TokenExpiry, IReadOnlyList<Measurement<long>> Broadcasts)
    {
        public static readonly Sample Empty = new(DateTimeOffset.MinValue, [], [], [], [], []);
    }

    public void Dispose() => _meter.Dispose();
}
