using System.Collections.Concurrent;
using System.Diagnostics;
using Gateway.App.Infrastructure;
using Gateway.Channels;
using Gateway.Channels.Zalo;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Channels.ZaloTokens;

/// <summary>
/// The OA access token a <c>zalo</c> or <c>zns</c> channel sends with, renewed before it expires and at once when
/// Zalo refuses it. The refresh token is single-use: within a process one renewal per OA at a time (a gate),
/// across processes the database lease; whoever waits re-reads the row and uses the pair the other one stored.
/// </summary>
public sealed class ZaloTokens(
    ZaloTokenStore store, ChannelCatalog channels, IHttpClientFactory httpFactory, TimeProvider time,
    IOptions<ZaloTokenOptions> options, ILogger<ZaloTokens> logger)
{
    /// <summary>Who holds a lease: unique per instance (two hosts in one process are two owners), readable in the table.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new();
    private readonly ConcurrentDictionary<string, (ZaloTokenRow Row, long ReadAt)> _cache = new();

    /// <summary>The <c>zalo</c> channel whose OA a channel sends as: itself, or the one a ZNS channel names in <c>ZaloOa</c>.</summary>
    public ChannelInstance? OaChannelOf(ChannelInstance channel) =>
        channel.Type == ChannelTypes.Zalo ? channel
        : channels.Find(channel.Options.ZaloOa ?? "") is { Type: ChannelTypes.Zalo } oa ? oa : null;

    /// <summary>The OAs configured, one per app id (several channels may share one).</summary>
    public IEnumerable<ChannelInstance> Oas =>
        channels.All.Where(c => c.Type == ChannelTypes.Zalo && !string.IsNullOrEmpty(c.Options.AppId)).DistinctBy(c => c.Options.AppId);

    /// <summary>The token to send with now; null while there is none that works (the send is parked, not failed).</summary>
    public async Task<string?> AccessTokenAsync(ChannelInstance channel, CancellationToken ct)
    {
        if (OaChannelOf(channel) is not { } oa) return null;
        var row = await ReadAsync(oa, ct);
        if (row?.AccessToken is null) return null;
        if (!row.IsExpired(time.NowMs())) return row.AccessToken;
        row = await RenewAsync(oa, row.AccessToken, "expired", ct);
        return row is { AccessToken: { } fresh } && !row.IsExpired(time.NowMs()) ? fresh : null;
    }

    /// <summary>After Zalo refused <paramref name="rejected"/>: one renewal (or the pair someone else just stored), or null.</summary>
    public async Task<string?> RenewAfterRejectionAsync(ChannelInstance channel, string? rejected, CancellationToken ct)
    {
        if (OaChannelOf(channel) is not { } oa) return null;
        var row = await RenewAsync(oa, rejected, "refused by Zalo", ct);
        return row?.AccessToken is { } token && token != rejected ? token : null;
    }

    /// <summary>
    /// Renews the pair unless the stored access token is no longer <paramref name="stale"/> (another thread or
    /// instance renewed it meanwhile). Returns the row as it stands afterwards; null when there is no pair.
    /// </summary>
    public async Task<ZaloTokenRow?> RenewAsync(ChannelInstance oa, string? stale, string why, CancellationToken ct)
    {
        var appId = oa.Options.AppId!;
        var gate = _gates.GetOrAdd(appId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            var o = options.Value;
            var waited = Stopwatch.StartNew();
            ZaloTokenRow? row;
            while (true)
            {
                _cache.TryRemove(appId, out _);
                row = await store.FindAsync(appId, ct);
                if (row is null) return null;
                if (row.AccessToken != stale && !row.IsExpired(time.NowMs())) return Cache(row);
                if (string.IsNullOrEmpty(row.RefreshToken) || string.IsNullOrEmpty(oa.Options.AppSecret)) return Cache(row);
                var now = time.NowMs();
                // A failed renewal waits for its backoff; a refused refresh token waits for consent.
                if (row.State == ZaloTokenRow.NeedsConsent && (row.NextAttemptAt is not { } next || next > now)) return Cache(row);
                if (await store.TryLeaseAsync(appId, Owner, now + (long)o.LeaseDuration.TotalMilliseconds, now, ct)) break;
                // Another instance is renewing: wait for its pair rather than spending the same refresh token.
                if (waited.Elapsed > o.LeaseDuration) return Cache(row);
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }

            // Under the lease, read once more: the holder before us may have stored a pair just before it let go.
            row = await store.FindAsync(appId, ct);
            if (row is null) return null;
            if (row.AccessToken != stale && !row.IsExpired(time.NowMs()))
            {
                await store.ReleaseLeaseAsync(appId, Owner);
                return Cache(row);
            }
            return Cache(await SpendRefreshTokenAsync(oa, row, why, ct));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ZaloTokenRow> SpendRefreshTokenAsync(ChannelInstance oa, ZaloTokenRow row, string why, CancellationToken ct)
    {
        var appId = row.AppId;
        var result = await ZaloOAuth.RefreshAsync(httpFactory.CreateClient("channels"), oa.Options.OAuthBaseUrl, appId,
            oa.Options.AppSecret!, row.RefreshToken!, ct);
        var now = time.NowMs();
        if (result is ZaloTokenResult.Issued issued)
        {
            var expiresAt = now + (long)issued.ExpiresIn.TotalMilliseconds;
            if (await store.StoreRenewedAsync(appId, Owner, issued.AccessToken, issued.RefreshToken, expiresAt, now, ct))
                logger.LogInformation("Zalo OA {AppId}: token pair renewed ({Why}); valid for {ExpiresIn}", appId, why, issued.ExpiresIn);
            else
                logger.LogError("Zalo OA {AppId}: renewed, but the lease was lost before the pair was stored; the OA may need consent again", appId);
            return await store.FindAsync(appId, ct) ?? row;
        }

        var refused = (ZaloTokenResult.Refused)result;
        // Zalo said no to the refresh token itself: retrying cannot help, only consent can. Otherwise back off.
        long? next = refused.Definite ? null : now + (long)Backoff(row.Failures + 1).TotalMilliseconds;
        await store.RecordFailureAsync(appId, Owner, refused.Description, next, now, ct);
        logger.LogWarning("Zalo OA {AppId}: token renewal failed ({Error}); {Next}", appId, refused.Description,
            next is null ? "needs consent on the Channels page" : $"retrying in {Backoff(row.Failures + 1)}");
        return await store.FindAsync(appId, ct) ?? row;
    }

    public TimeSpan Backoff(int failures)
    {
        var o = options.Value;
        var ms = o.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, failures - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, o.MaxRetryDelay.TotalMilliseconds));
    }

    /// <summary>The first pair from configuration, written once; the database is the source after that.</summary>
    public async Task SeedAsync(ChannelInstance oa, CancellationToken ct)
    {
        var o = oa.Options;
        if (string.IsNullOrEmpty(o.AppId) || (string.IsNullOrEmpty(o.AccessToken) && string.IsNullOrEmpty(o.RefreshToken))) return;
        await store.SeedAsync(o.AppId, NullIfEmpty(o.AccessToken), NullIfEmpty(o.RefreshToken), time.NowMs(), ct);
    }

    public void Forget(string appId) => _cache.TryRemove(appId, out _);

    private async Task<ZaloTokenRow?> ReadAsync(ChannelInstance oa, CancellationToken ct)
    {
        var appId = oa.Options.AppId;
        if (string.IsNullOrEmpty(appId)) return null;
        var now = time.NowMs();
        if (_cache.TryGetValue(appId, out var hit) && now - hit.ReadAt < options.Value.CacheFor.TotalMilliseconds) return hit.Row;
        var row = await store.FindAsync(appId, ct);
        if (row is null)
        {
            await SeedAsync(oa, ct);
            row = await store.FindAsync(appId, ct);
        }
        return row is null ? null : Cache(row);
    }

    private ZaloTokenRow Cache(ZaloTokenRow row)
    {
        _cache[row.AppId] = (row, time.NowMs());
        return row;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
