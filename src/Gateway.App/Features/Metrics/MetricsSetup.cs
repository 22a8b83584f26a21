using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Gateway.App.Features.Metrics;

public static class MetricsSetup
{
    public const string Path = "/metrics";

    /// <summary>OpenTelemetry metrics: the gateway's own meter, ASP.NET Core and the .NET runtime, exported for Prometheus.</summary>
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section)
            // One comma-separated value (Metrics__AllowedNetworks=10.0.0.0/8,::1) binds to no list item: take it whole.
            .Configure<IConfiguration>((o, c) => { if (c[$"{MetricsOptions.Section}:AllowedNetworks"] is { Length: > 0 } one) o.AllowedNetworks = [one]; })
            .Validate(o => { o.Networks(); return true; }).ValidateOnStart();
        services.AddSingleton(sp => new MetricsAccess(sp.GetRequiredService<IOptions<MetricsOptions>>().Value));
        services.AddSingleton<GatewayGauges>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        // The gauges exist once something asks for them: make the meter provider do so as it is built.
        services.ConfigureOpenTelemetryMeterProvider((sp, _) => sp.GetRequiredService<GatewayGauges>());
        return services;
    }

    /// <summary><c>GET /metrics</c> in Prometheus text format, for allowed callers only (<see cref="MetricsAccess"/>).</summary>
    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder app)
    {
        var access = app.ServiceProvider.GetRequiredService<MetricsAccess>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: pipeline => pipeline.Use(async (http, next) =>
        {
            if (!access.Allows(http))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(http);
        }), optionsName: null).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
