using System.Net;
using System.Text.Json;
using Gateway.App.Features.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.App.Tests.Health;

/// <summary>The health endpoints on a real Kestrel, with the database check as it ships and a bus check that is down.</summary>
public sealed class HealthEndpointsTests
{
    private static async Task<(WebApplication App, HttpClient Http)> StartAsync(string databaseFile, HealthStatus bus)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Database:Provider"] = "Sqlite";
        builder.Configuration["Database:ConnectionString"] = $"Data Source={databaseFile};Mode=ReadOnly";
        Gateway.App.Infrastructure.GatewaySetup.AddGatewayDatabase(builder.Services);
        builder.Services.AddGatewayHealth();
        builder.Services.AddHealthChecks().AddCheck("masstransit-bus", () => new HealthCheckResult(bus, bus == HealthStatus.Healthy ? null : "Not ready: broker unreachable"));
        var app = builder.Build();
        app.MapGatewayHealth();
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(url) });
    }

    [Fact]
    public async Task Live_stays_200_while_ready_says_503_and_names_each_dependency_that_is_down()
    {
        // A database file that does not exist, opened read-only: the database check cannot reach it.
        var missing = Path.Combine(Path.GetTempPath(), "gateway-app-tests", Guid.NewGuid().ToString("N"), "none.db");
        var (app, http) = await StartAsync(missing, HealthStatus.Unhealthy);
        await using (app)
        {
            using var live = await http.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            foreach (var path in new[] { "/health/ready", "/health" })
            {
                using var ready = await http.GetAsync(path);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
                var down = body.RootElement.GetProperty("down").EnumerateArray().Select(e => e.GetString()).ToList();
                Assert.Equal(["database", "masstransit-bus"], down.Order().ToList());
                Assert.Equal("Database unreachable", body.RootElement.GetProperty("problems").GetProperty("database").GetString());
                Assert.Contains("broker", body.RootElement.GetProperty("problems").GetProperty("masstransit-bus").GetString());
            }
        }
    }
}
