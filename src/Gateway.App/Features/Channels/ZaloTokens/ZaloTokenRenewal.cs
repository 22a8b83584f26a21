using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Background;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Channels.ZaloTokens;

/// <summary>
/// Seeds each OA's first pair from configuration, renews pairs at <see cref="ZaloTokenOptions.RenewAt"/> of their
/// life, and retries a failed renewal when its backoff is due, so a quiet OA's token never lapses.
/// </summary>
public sealed class ZaloTokenRenewal(ZaloTokens tokens, ZaloTokenStore store, TimeProvider time,
    IOptions<ZaloTokenOptions> options, ILogger<ZaloTokenRenewal> logger) : PeriodicWork(time, logger)
{
    protected override TimeSpan Interval => options.Value.CheckInterval;

    protected override async Task RunOnceAsync(bool first, CancellationToken ct)
    {
        foreach (var oa in tokens.Oas)
        {
            if (first) await tokens.SeedAsync(oa, ct);
            var row = await store.FindAsync(oa.Options.AppId!, ct);
            if (row is null || string.IsNullOrEmpty(row.RefreshToken)) continue;
            var now = Time.NowMs();
            var due = row.State == ZaloTokenRow.Ok
                ? row.IsDueForRenewal(now, options.Value.RenewAt)
                : row.NextAttemptAt is { } next && next <= now; // failed before: on its backoff; refused: only consent helps
            if (due) await tokens.RenewAsync(oa, row.AccessToken, row.State == ZaloTokenRow.Ok ? "due" : "retry", ct);
        }
    }
}
