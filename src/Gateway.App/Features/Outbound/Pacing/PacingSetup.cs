namespace Gateway.App.Features.Outbound.Pacing;

public static class PacingSetup
{
    /// <summary>One pacer for the process: a channel's rate limit is the provider's, shared by every sender.</summary>
    public static IServiceCollection AddOutboundPacing(this IServiceCollection services)
    {
        services.AddSingleton<ChannelPacer>();
        return services;
    }
}
