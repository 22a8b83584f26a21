using Dapper;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.App.Features.Health;

public sealed class DatabaseHealthCheck(Db db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var c = await db.OpenAsync(ct);
            await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations");
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Database unreachable", ex);
        }
    }
}
