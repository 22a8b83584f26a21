using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Demo;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Outbound.Pacing;
using Gateway.App.Features.Privacy;
using Gateway.App.Features.Residents;
using Gateway.App.Features.Routing;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;

namespace Gateway.App.Infrastructure;

/// <summary>The Add… calls behind Program.cs, one per concern.</summary>
public static class GatewaySetup
{
    public static IServiceCollection AddGatewayCore(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section)
            .Validate(o => Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Gateway:PublicBaseUrl must be an absolute URL").ValidateOnStart();
        services.AddSingleton(_ => CommuneDirectory.Default);
        services.AddSingleton(sp => new Gateway.Channels.ChannelRegistry(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ChannelCatalog>();
        services.AddHttpClient("channels");
        services.AddMemoryCache();
        return services;
    }

    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services)
    {
        DapperTypeHandlers.Register();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Database:ConnectionString is required").ValidateOnStart();
        services.AddSingleton<Db>();
        services.AddSingleton<IngestLogDb>();
        services.AddSingleton<Migrator>();
        return services;
    }

    public static IServiceCollection AddGatewayOutbox(this IServiceCollection services)
    {
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section);
        services.AddSingleton<OutboxPublisher>();
        services.AddSingleton<DbWriter>();
        services.AddSingleton<GatewayInstance>();
        services.AddSingleton<GroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
        services.AddHostedService(sp => sp.GetRequiredService<OutboxPublisher>());
        services.AddHostedService<OutboxSweeper>();
        services.AddHostedService<UnfinishedWorkRecovery>();
        return services;
    }

    public static IServiceCollection AddGatewayFeatures(this IServiceCollection services)
    {
        services.AddSingleton<InboundWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<InboundWriter>());
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section);
        services.AddSingleton<ResidentKeys>();
        services.AddHostedService(sp => sp.GetRequiredService<ResidentKeys>());
        services.AddSingleton<IngestLogMover>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestLogMover>());
        services.AddSingleton<StatusWriter>();
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section);
        services.AddHostedService<HeldMessageEscalator>();
        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.Section);
        services.AddHostedService<OutboundRetrySweeper>();
        services.AddHostedService<InterruptedSendReconciler>();
        services.AddSingleton<OutboundSender>();
        services.AddOutboundPacing();
        services.AddInbox();
        services.AddSingleton<Features.Simulator.SimulatorThread>();
        services.AddSingleton<AuditLog>();
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section);
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<DemoResidents>();
        services.AddResidents(); // the demo seeds its residents through the importer
        services.AddPrivacy(); // retention job, a resident's export and erasure (Features/Privacy)
        return services;
    }

    public static IServiceCollection AddGatewayAuth(this IServiceCollection services)
    {
        services.AddSingleton<Officials>();
        services.AddSingleton<Sessions>();
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        Features.Accounts.AccountsSetup.AddAccountsAndSignIn(services); // sign-in throttle, session settings, admin accounts, forwarded headers (Features/Accounts)
        return services;
    }
}
