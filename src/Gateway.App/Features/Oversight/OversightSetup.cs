namespace Gateway.App.Features.Oversight;

/// <summary>The province's view over its communes: the dashboard and the audit log.</summary>
public static class OversightSetup
{
    public static IServiceCollection AddOversight(this IServiceCollection services) =>
        services.AddSingleton<Dashboard>().AddSingleton<AuditSearch>();

    public static IEndpointRouteBuilder MapOversight(this IEndpointRouteBuilder app)
    {
        app.MapDashboard();
        app.MapAuditPage();
        return app;
    }
}
