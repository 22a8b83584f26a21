using Gateway.App.Features.Inbox.Deadlines;
using Microsoft.Extensions.Options;

// In the Inbox namespace, so InboxSetup calls it without a using.
namespace Gateway.App.Features.Inbox;

public static class DeadlinesSetup
{
    /// <summary>The working-time calendar, the deadlines by category and province, and the overdue escalator.</summary>
    public static IServiceCollection AddInboxDeadlines(this IServiceCollection services)
    {
        services.AddOptions<WorkingHoursOptions>().BindConfiguration(WorkingHoursOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkingHoursOptions>, ValidateDeadlines>();
        services.AddOptions<DeadlinesOptions>()
            .Configure<IConfiguration>((o, configuration) => o.Read(configuration.GetSection(DeadlinesOptions.Section)))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeadlinesOptions>, ValidateDeadlines>();
        services.AddSingleton<IOptionsChangeTokenSource<DeadlinesOptions>>(sp => new ConfigurationChangeTokenSource<DeadlinesOptions>(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new WorkingCalendar(sp.GetRequiredService<IOptionsMonitor<WorkingHoursOptions>>()));
        services.AddSingleton<ConversationDeadlines>();
        services.AddSingleton<HolidayTable>();
        services.AddHostedService<OverdueEscalator>();
        return services;
    }
}
