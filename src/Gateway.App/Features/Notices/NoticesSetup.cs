using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Features.Notices.Templates;

namespace Gateway.App.Features.Notices;

/// <summary>Broadcasts of templated notices: the API, the scheduler, the sending path.</summary>
public static class NoticesSetup
{
    public static IServiceCollection AddNotices(this IServiceCollection services)
    {
        services.AddNoticeScheduling();
        services.AddNoticeTemplates();
        services.AddOptions<NoticeDeliveryOptions>().BindConfiguration(NoticeDeliveryOptions.Section)
            .Validate(o => o.ChunkSize > 0 && o.SendChunkSize > 0, "Notices:ChunkSize and Notices:SendChunkSize must be positive")
            .Validate(o => o.ChannelOrder.Ways().Concat(o.Provinces.Values.SelectMany(p => p.ChannelOrder?.Ways() ?? [])).All(w => w is NoticeChannelPolicy.Zalo or NoticeChannelPolicy.Zns or NoticeChannelPolicy.Sms),
                "Notices:ChannelOrder (and each province's) takes zalo, zns and sms")
            .ValidateOnStart();
        services.AddSingleton<BroadcastStore>();
        services.AddSingleton<NoticeChannelPolicy>();
        services.AddSingleton<CreateBroadcast>();
        services.AddSingleton<BroadcastPreview>();
        services.AddSingleton<BroadcastReport>();
        services.AddSingleton<BroadcastActions>();
        services.AddSingleton<BroadcastRuns>();
        services.AddSingleton<BroadcastExpander>();
        services.AddHostedService<BroadcastScheduler>();
        return services;
    }

    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder app)
    {
        app.MapTemplatesApi();
        app.MapBroadcastsApi();
        app.MapNoticePages();
        app.MapTemplatePages();
        return app;
    }
}
