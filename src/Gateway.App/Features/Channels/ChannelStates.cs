using System.Collections.Concurrent;
using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Channels;

/// <summary>
/// Channels the gateway has stopped using for a while, in <c>channel_states</c> so every instance agrees: a ZNS
/// channel whose daily quota is spent (until the next reset at midnight in Vietnam), and a channel whose
/// provider refused its configuration (eSMS 101/104, Zalo app errors: until the operator fixes it and restarts).
/// </summary>
public sealed class ChannelStates(Db db, TimeProvider time, ILogger<ChannelStates> logger)
{
    public const string QuotaSpent = "quota_spent", Stopped = "stopped";
    private static readonly TimeSpan Vietnam = TimeSpan.FromHours(7);

    private readonly ConcurrentDictionary<string, State> _cache = new(StringComparer.OrdinalIgnoreCase);
    private long _loadedAt = -1; // never

    public sealed class State
    {
        public string ChannelKey { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? Reason { get; init; }
        public long? Until { get; init; }
        public int? RemainingQuota { get; init; }
        public long UpdatedAt { get; init; }
    }

    /// <summary>Why the channel is not to be used now, or null when it is usable.</summary>
    public async Task<State?> BlockedAsync(string channelKey, CancellationToken ct = default)
    {
        await RefreshAsync(ct);
        return _cache.TryGetValue(channelKey, out var s) && (s.Kind == Stopped || s.Until > time.NowMs()) ? s : null;
    }

    public async Task<IReadOnlyList<State>> AllAsync(CancellationToken ct = default)
    {
        await RefreshAsync(ct, force: true);
        return [.. _cache.Values.OrderBy(s => s.ChannelKey)];
    }

    /// <summary>The day's quota is gone: no more sends on this channel before midnight, Vietnam time.</summary>
    public Task MarkQuotaSpentAsync(string channelKey, string reason) =>
        SetAsync(channelKey, QuotaSpent, reason, NextVietnamMidnight(time.GetUtcNow()).ToUnixTimeMilliseconds(), 0);

    public Task MarkStoppedAsync(string channelKey, string reason)
    {
        logger.LogError("Channel {Channel} stopped: {Reason}. Fix its configuration and restart; queued messages wait.", channelKey, reason);
        return SetAsync(channelKey, Stopped, reason, null, null);
    }

    /// <summary>At start: a stopped channel gets another chance with what may be a corrected configuration.</summary>
    public async Task ClearStoppedAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        await c.ExecuteAsync("DELETE FROM channel_states WHERE state = @Stopped", new { Stopped });
        Interlocked.Exchange(ref _loadedAt, -1);
    }

    public static DateTimeOffset NextVietnamMidnight(DateTimeOffset now)
    {
        var local = now.ToOffset(Vietnam);
        return new DateTimeOffset(local.Date.AddDays(1), Vietnam);
    }

    private async Task SetAsync(string channelKey, string kind, string reason, long? until, int? remaining)
    {
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using (await db.WriteLockAsync())
        {
            var args = new { channelKey, kind, reason = reason.Length > 500 ? reason[..500] : reason, until, remaining, now };
            if (await c.ExecuteAsync("UPDATE channel_states SET state = @kind, reason = @reason, until = @until, remaining_quota = @remaining, updated_at = @now WHERE channel_key = @channelKey", args) == 0)
                await c.ExecuteAsync("INSERT INTO channel_states (channel_key, state, reason, until, remaining_quota, updated_at) VALUES (@channelKey, @kind, @reason, @until, @remaining, @now)", args);
        }
        _cache[channelKey] = new State { ChannelKey = channelKey, Kind = kind, Reason = reason, Until = until, RemainingQuota = remaining, UpdatedAt = now };
    }

    /// <summary>Re-read every few seconds: another instance may have stopped a channel.</summary>
    private async Task RefreshAsync(CancellationToken ct, bool force = false)
    {
        var now = time.NowMs();
        var loaded = Interlocked.Read(ref _loadedAt);
        if (!force && loaded >= 0 && now - loaded < 5_000) return;
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<State>(
            "SELECT channel_key AS ChannelKey, state AS Kind, reason AS Reason, until AS Until, remaining_quota AS RemainingQuota, updated_at AS UpdatedAt FROM channel_states");
        _cache.Clear();
        foreach (var r in rows) _cache[r.ChannelKey] = r;
        Interlocked.Exchange(ref _loadedAt, now);
    }
}
