namespace Gateway.App.Features.Notices.Templates;

public static class TemplatesSetup
{
    public static IServiceCollection AddNoticeTemplates(this IServiceCollection services)
    {
        services.AddOptions<TemplatesOptions>().BindConfiguration(TemplatesOptions.Section);
        services.AddSingleton<TemplateStore>();
        services.AddSingleton<TemplateLoader>();
        return services;
    }
}
