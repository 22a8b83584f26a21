using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Gateway.App.Features.Health;

public static class HealthSetup
{
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        // MassTransit registers its own bus check; this adds the database.
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return services;
    }

    /// <summary><c>GET /health</c>: 200 when the database and the bus are ready, else 503 with which one is not.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (http, report) =>
            {
                http.Response.ContentType = "application/json";
                return http.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    status = report.Status.ToString(),
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                    // Which dependency or channel is the problem, in words (no secrets: states and provider codes only).
                    problems = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy && e.Value.Description is not null)
                        .ToDictionary(e => e.Key, e => e.Value.Description),
                }));
            },
        }).AllowAnonymous();
        return app;
    }
}
