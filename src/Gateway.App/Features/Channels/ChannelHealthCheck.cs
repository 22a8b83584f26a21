using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.App.Features.Channels;

/// <summary>
/// Degraded (not unhealthy: the gateway still takes messages, and they wait) when a channel cannot send: an OA
/// needing consent, a ZNS quota spent, a provider refusing the configuration.
/// </summary>
public sealed class ChannelHealthCheck(ChannelStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var problems = (await status.AllAsync(ct)).Where(s => s.State != "ok").ToList();
        if (problems.Count == 0) return HealthCheckResult.Healthy();
        return HealthCheckResult.Degraded(
            string.Join("; ", problems.Select(p => $"{p.Key}: {p.State}{(p.Detail is null ? "" : $" ({p.Detail})")}")),
            data: problems.ToDictionary(p => p.Key, p => (object)p.State));
    }
}
