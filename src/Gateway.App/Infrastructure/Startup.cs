using Gateway.Channels;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Demo;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Gateway.App.Infrastructure;

/// <summary>What runs once before the host serves: migrations, demo data, and the start-up banner.</summary>
public static class Startup
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// Listens on <see cref="DefaultUrl"/> only when nothing chose an address: <c>ASPNETCORE_URLS</c>, <c>--urls</c> and
    /// <c>Urls</c> in any settings file all win (a <c>Urls</c> in appsettings.json used to override the environment).
    /// </summary>
    public static WebApplicationBuilder UseDefaultUrls(this WebApplicationBuilder builder)
    {
        var c = builder.Configuration;
        if (string.IsNullOrEmpty(c["urls"]) && string.IsNullOrEmpty(c["http_ports"]) && string.IsNullOrEmpty(c["https_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);
        return builder;
    }

    /// <summary><c>--migrate</c>: apply the schema and exit (how SQL Server is migrated in production).</summary>
    public static bool IsMigrateOnly(string[] args) => args.Contains("--migrate");

    public static async Task PrepareAsync(this WebApplication app, bool migrateOnly)
    {
        await app.RefuseOutsideDevelopmentAsync(databaseReady: false); // demo settings: refused before the database is touched
        var db = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (migrateOnly || (db.MigrateOnStart ?? db.Provider == DatabaseProvider.Sqlite))
        {
            var applied = await app.Services.GetRequiredService<Migrator>().MigrateAsync();
            app.Logger.LogInformation("Database ready ({Provider}, {Applied} migrations applied now)", db.Provider, applied);
        }
        if (migrateOnly) return;
        await app.RefuseOutsideDevelopmentAsync(databaseReady: true); // demo officials left in the database
        await app.Services.GetRequiredService<TemplateLoader>().LoadAsync();
        await app.Services.GetRequiredService<DemoSeeder>().SeedAsync();
        foreach (var disabled in app.Services.GetRequiredService<ChannelCatalog>().Disabled)
            app.Logger.LogWarning("Channel disabled: {Reason}", disabled);
        app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app));
    }

    private static void PrintBanner(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault()?.Replace("0.0.0.0", "localhost").Replace("[::]", "localhost") ?? "(no address)";
        var demo = app.Services.GetRequiredService<DemoSeeder>();
        var channels = app.Services.GetRequiredService<ChannelCatalog>();
        Console.WriteLine();
        Console.WriteLine("  Gateway is running.");
        Console.WriteLine($"    Inbox:      {url}/login");
        if (channels.All.Any(c => c.Type == ChannelTypes.Simulator))
            Console.WriteLine($"    Simulator:  {url}/simulator   (a resident's phone)");
        if (demo.Password is not null)
        {
            Console.WriteLine($"    Sign in as: {string.Join(", ", DemoSeeder.Accounts.Select(a => a.Username))}");
            Console.WriteLine(demo.PasswordGenerated
                ? $"    Password:   {demo.Password}   (generated; set GATEWAY_DEMO_PASSWORD to choose one)"
                : "    Password:   the value of GATEWAY_DEMO_PASSWORD");
        }
        Console.WriteLine();
    }
}
