using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace Gateway.App.Features.Channels;

public static class ChannelsSetup
{
    /// <summary>What keeps channels working unattended: renewing Zalo tokens (encrypted at rest) and the channel states.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName("Gateway").PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(configuration)));
        services.AddOptions<ZaloTokenOptions>().BindConfiguration(ZaloTokenOptions.Section);
        services.AddSingleton<ZaloTokenStore>();
        services.AddSingleton<ZaloTokens.ZaloTokens>();
        services.AddHostedService<ZaloTokenRenewal>();
        services.AddSingleton<ChannelStates>();
        services.AddSingleton<ChannelStatus>();
        services.AddSingleton<ZaloConnect>();
        services.AddHealthChecks().AddCheck<ChannelHealthCheck>("channels");
        return services;
    }

    /// <summary><c>Gateway:KeysDirectory</c>, else <c>keys/</c> beside the SQLite file, else <c>data/keys</c>.</summary>
    public static string KeysDirectory(IConfiguration configuration)
    {
        if (configuration["Gateway:KeysDirectory"] is { Length: > 0 } configured) return Path.GetFullPath(configured);
        var provider = configuration["Database:Provider"];
        if (provider is null || provider.Equals(nameof(DatabaseProvider.Sqlite), StringComparison.OrdinalIgnoreCase))
        {
            var source = new SqliteConnectionStringBuilder(configuration["Database:ConnectionString"] ?? "Data Source=data/gateway.db").DataSource;
            if (!string.IsNullOrEmpty(source) && source != ":memory:")
                return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".", "keys");
        }
        return Path.GetFullPath(Path.Combine("data", "keys"));
    }
}
