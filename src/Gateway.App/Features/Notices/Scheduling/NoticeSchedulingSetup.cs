using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Scheduling;

public static class NoticeSchedulingSetup
{
    /// <summary>Binds <c>Notices</c>, checks it on start, and registers <see cref="QuietHours"/>. <see cref="Recurrence"/> is static.</summary>
    public static IServiceCollection AddNoticeScheduling(this IServiceCollection services)
    {
        services.AddOptions<NoticesOptions>().BindConfiguration(NoticesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NoticesOptions>, NoticesOptionsValidator>();
        services.AddSingleton(sp => new QuietHours(sp.GetRequiredService<IOptions<NoticesOptions>>().Value));
        return services;
    }
}
