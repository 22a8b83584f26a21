namespace Gateway.App.Features.Privacy;

/// <summary>Residents' personal data (issue 8): the retention job, and a resident's export and erasure (API and page).</summary>
public static class PrivacySetup
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.IsValid(out _), "Privacy:Retention: periods are 0 (keep) or positive, Interval positive, ChunkSize 1 to 2000").ValidateOnStart();
        services.AddSingleton<RetentionJob>();
        services.AddHostedService(sp => sp.GetRequiredService<RetentionJob>());
        services.AddSingleton<ResidentErasure>();
        services.AddSingleton<ResidentRequests>();
        return services;
    }

    public static IEndpointRouteBuilder MapPrivacy(this IEndpointRouteBuilder app)
    {
        app.MapPrivacyApi();
        app.MapResidentRequestsPage();
        return app;
    }
}
