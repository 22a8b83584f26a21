using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Gateway.App.Features.Health;

public static class HealthSetup
{
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        // MassTransit registers its own bus check ("masstransit-bus"); the channels register theirs; this adds the database.
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    /// <summary>
    /// <c>GET /health/live</c>: 200 while the process serves requests, whatever its dependencies (restart it when this
    /// fails). <c>GET /health/ready</c> and <c>GET /health</c>: every dependency (database, bus, channels); 200 when
    /// ready (a degraded channel still takes messages, they wait), 503 when a dependency is down, and the body names it.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Health").WithSummary("Liveness: the process is up (no dependency is checked).");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Health").WithSummary("Readiness: database, bus and channels; 503 names the dependency that is down.");
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteAsync })
            .AllowAnonymous().WithTags("Health").WithSummary("Same as /health/ready (kept for existing probes).");
        return app;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
            // The dependencies that make the gateway not ready, by name (database, masstransit-bus, …).
            down = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Key).ToArray(),
            // Which dependency or channel is the problem, in words (no secrets: states and provider codes only).
            problems = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy && e.Value.Description is not null)
                .ToDictionary(e => e.Key, e => e.Value.Description),
        }));
    }
}
