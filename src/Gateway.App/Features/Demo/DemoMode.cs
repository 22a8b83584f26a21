using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Demo;

/// <summary>
/// Demo mode (the simulator channel, <c>Demo:Enabled</c>, the demo officials) exists only in the Development environment,
/// which <c>dotnet run</c> selects through Properties/launchSettings.json and appsettings.Development.json fills in.
/// Every other environment, Production (the default when ASPNETCORE_ENVIRONMENT is unset), Staging or any other name,
/// refuses to start with any of it: the simulator takes unsigned messages from anyone, and the demo officials share
/// one printed password.
/// </summary>
public static class DemoMode
{
    /// <summary>EX_CONFIG from sysexits.h: a configuration error, not worth a restart (systemd: RestartPreventExitStatus=78).</summary>
    public const int RefusedExitCode = 78;

    public static bool Allowed(IHostEnvironment environment) => environment.IsDevelopment();

    /// <summary>What in the configuration belongs to demo mode (empty in Development, where it is allowed).</summary>
    public static IReadOnlyList<string> ConfigurationProblems(IHostEnvironment environment, ChannelCatalog channels, DemoOptions demo)
    {
        if (Allowed(environment)) return [];
        var problems = new List<string>();
        foreach (var simulator in channels.All.Where(c => c.Type == ChannelTypes.Simulator))
            problems.Add($"a simulator channel is configured (Channels:{simulator.Key}:Type = simulator): it accepts unsigned messages from anyone. Remove it, or set Channels__{simulator.Key}__Type to an empty value.");
        if (demo.Enabled)
            problems.Add("Demo:Enabled is true: it seeds demo officials with a shared password. Set Demo__Enabled=false.");
        return problems;
    }

    /// <summary>Demo officials already in the database (same username and display name as the seeder's), still enabled.</summary>
    public static async Task<IReadOnlyList<string>> DatabaseProblemsAsync(IHostEnvironment environment, Db db)
    {
        if (Allowed(environment)) return [];
        await using var c = await db.OpenAsync();
        var rows = await c.QueryAsync<(string Username, string DisplayName)>(
            "SELECT username, display_name FROM officials WHERE disabled = 0 AND username IN @names",
            new { names = DemoSeeder.Accounts.Select(a => a.Username).ToArray() });
        var demo = rows.Where(r => DemoSeeder.Accounts.Any(a => a.Username == r.Username && a.DisplayName == r.DisplayName))
            .Select(r => r.Username).OrderBy(u => u, StringComparer.Ordinal).ToList();
        if (demo.Count == 0) return [];
        var list = string.Join(", ", demo.Select(u => $"'{u}'"));
        return [$"the database holds the demo officials {list}, whose password was printed at a demo start. Disable them: UPDATE officials SET disabled = 1 WHERE username IN ({list}); (or start from a fresh database)."];
    }

    /// <summary>Stops the process (exit code <see cref="RefusedExitCode"/>) when this environment must not run demo mode.</summary>
    public static async Task RefuseOutsideDevelopmentAsync(this WebApplication app, bool databaseReady)
    {
        var problems = ConfigurationProblems(app.Environment, app.Services.GetRequiredService<ChannelCatalog>(),
            app.Services.GetRequiredService<IOptions<DemoOptions>>().Value);
        if (problems.Count == 0 && databaseReady)
            problems = await DatabaseProblemsAsync(app.Environment, app.Services.GetRequiredService<Db>());
        if (problems.Count == 0) return;

        var message = RefusalMessage(app.Environment.EnvironmentName, problems);
        app.Logger.LogCritical("{Refusal}", message);
        Console.Error.WriteLine(message); // the console logger writes from a queue that Environment.Exit does not drain
        Console.Error.Flush();
        Environment.Exit(RefusedExitCode);
    }

    public static string RefusalMessage(string environmentName, IReadOnlyList<string> problems) =>
        $"Gateway refuses to start: demo mode runs only in the Development environment, and this host's environment is '{environmentName}'"
        + " (Production when ASPNETCORE_ENVIRONMENT is unset)." + Environment.NewLine
        + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)) + Environment.NewLine
        + "  To run the demo instead: dotnet run --project src/Gateway.App (the Development launch profile), or set ASPNETCORE_ENVIRONMENT=Development.";
}
