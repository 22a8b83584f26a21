using System.Net;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Demo mode exists only in Development (issue 8, "Safe defaults"): a Production host with a simulator channel, demo
/// officials enabled or demo officials in its database exits with code 78 and says why; Development runs the demo.
/// </summary>
public sealed class DemoModeTests
{
    private const int Refused = 78; // EX_CONFIG
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_production_host_with_a_simulator_channel_refuses_to_start_and_says_why()
    {
        await using var gateway = new GatewayProcess(new GatewaySettings
        {
            Environment = "Production",
            Extra = new Dictionary<string, string> { ["Channels__simulator__Type"] = "simulator" },
        });
        var code = await gateway.RunUntilExitAsync(ExitWithin);

        var log = gateway.LogTail();
        Assert.True(code == Refused, $"exit code {code}, expected {Refused}\n{log}");
        Assert.Contains("Gateway refuses to start", log);
        Assert.Contains("environment is 'Production'", log);
        Assert.Contains("Channels:simulator:Type = simulator", log);
        Assert.Contains("Channels__simulator__Type", log); // what to change
        Assert.False(File.Exists(gateway.DatabasePath), "refused before the database was created");
    }

    [Fact]
    public async Task A_production_host_with_demo_officials_enabled_refuses_to_start()
    {
        await using var gateway = new GatewayProcess(new GatewaySettings
        {
            Environment = "Production",
            Extra = new Dictionary<string, string> { ["Demo__Enabled"] = "true" },
        });
        var code = await gateway.RunUntilExitAsync(ExitWithin);

        var log = gateway.LogTail();
        Assert.True(code == Refused, $"exit code {code}, expected {Refused}\n{log}");
        Assert.Contains("Demo:Enabled is true", log);
        Assert.Contains("Demo__Enabled=false", log);
    }

    [Fact]
    public async Task A_production_host_on_a_database_with_demo_officials_refuses_until_they_are_disabled()
    {
        // A demo run seeds the officials; the same database then goes into production.
        await using var demo = await GatewayProcess.StartNewAsync(new GatewaySettings());
        demo.Kill();

        var sameDatabase = new Dictionary<string, string> { ["Database__ConnectionString"] = $"Data Source={demo.DatabasePath}" };
        await using var production = new GatewayProcess(new GatewaySettings { Environment = "Production", Extra = sameDatabase });
        var code = await production.RunUntilExitAsync(ExitWithin);
        var log = production.LogTail();
        Assert.True(code == Refused, $"exit code {code}, expected {Refused}\n{log}");
        Assert.Contains("demo officials", log);
        foreach (var username in new[] { "phutho", "phuthoduyet", "lienson", "banho", "quantri" }) Assert.Contains($"'{username}'", log);
        Assert.Contains("UPDATE officials SET disabled = 1", log);

        // The remedy the message gives works: with the demo officials disabled, Production starts on that database.
        await using (var c = new SqliteConnection($"Data Source={demo.DatabasePath};Pooling=false"))
        {
            await c.OpenAsync();
            await using var update = c.CreateCommand();
            update.CommandText = "UPDATE officials SET disabled = 1 WHERE username IN ('banho', 'lienson', 'phutho', 'phuthoduyet', 'quantri')";
            Assert.Equal(5, await update.ExecuteNonQueryAsync());
        }
        await production.StartAsync();
        using var health = await production.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_production_host_without_demo_settings_starts_with_no_simulator_and_no_demo_officials()
    {
        await using var gateway = await GatewayProcess.StartNewAsync(new GatewaySettings { Environment = "Production" });
        using (var page = await gateway.Http.GetAsync("/simulator"))
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using (var token = await gateway.Http.PostAsync("/api/auth/token", JsonContent("phutho", GatewayProcess.DemoPassword)))
            Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        var log = gateway.LogTail();
        Assert.Contains("Gateway is running.", log);
        Assert.DoesNotContain("Sign in as:", log);
        Assert.DoesNotContain("Simulator:", log);
    }

    [Fact]
    public async Task Development_runs_the_demo_with_the_simulator_and_the_demo_officials()
    {
        await using var gateway = await GatewayProcess.StartNewAsync(new GatewaySettings { Environment = "Development" });
        await Eventually.Until("the start-up banner", () => Task.FromResult(gateway.LogTail()), l => l.Contains("Password:"), gateway);
        var log = gateway.LogTail();
        Assert.Contains("Simulator:", log);
        Assert.Contains("Sign in as: phutho, phuthoduyet, lienson, banho, quantri", log);
        using (var page = await gateway.Http.GetAsync("/simulator"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var token = await gateway.Http.PostAsync("/api/auth/token", JsonContent("phutho", GatewayProcess.DemoPassword)))
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public void Dotnet_run_uses_the_development_profile_on_port_5080()
    {
        // `dotnet run --project src/Gateway.App` takes the first profile: its environment turns demo mode on, and its
        // applicationUrl becomes ASPNETCORE_URLS (the same address as the gateway's own default).
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(GatewayProcess.RepoRoot(), "src", "Gateway.App", "Properties", "launchSettings.json")));
        var first = doc.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        Assert.Equal("Project", first.GetProperty("commandName").GetString());
        Assert.Equal("http://localhost:5080", first.GetProperty("applicationUrl").GetString());
        Assert.Equal("Development", first.GetProperty("environmentVariables").GetProperty("ASPNETCORE_ENVIRONMENT").GetString());
    }

    private static StringContent JsonContent(string username, string password) =>
        new(JsonSerializer.Serialize(new { username, password }), System.Text.Encoding.UTF8, "application/json");
}
