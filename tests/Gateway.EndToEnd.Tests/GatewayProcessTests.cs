using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The harness itself: the real gateway starts as its own process, dies to SIGKILL, and comes back on the same database.</summary>
public sealed class GatewayProcessTests
{
    [Fact]
    public async Task Gateway_starts_as_a_process_and_restarts_on_the_same_database_after_a_hard_kill()
    {
        await using var gateway = await GatewayProcess.StartNewAsync(new GatewaySettings());
        try
        {
            using (var health = await gateway.Http.GetAsync("/health"))
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(File.Exists(gateway.DatabasePath), $"the gateway should create its SQLite database at {gateway.DatabasePath}");
            var firstPid = gateway.ProcessId;

            gateway.Kill();
            Assert.False(gateway.IsRunning);
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => gateway.Http.GetAsync("/health"));

            await gateway.StartAsync();
            Assert.NotEqual(firstPid, gateway.ProcessId);
            using (var health = await gateway.Http.GetAsync("/health"))
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.True(File.Exists(gateway.DatabasePath));
        }
        catch (Exception e) when (e is not GatewayFailedException)
        {
            throw new GatewayFailedException(e.Message, gateway, e);
        }
    }

    [Fact]
    public async Task ASPNETCORE_URLS_chooses_the_address_as_the_deploy_file_sets_it()
    {
        // appsettings.json used to carry Urls, which silently beat the environment: the gateway listened on 5080.
        await using var gateway = await GatewayProcess.StartNewAsync(new GatewaySettings { UrlsFromEnvironment = true });
        using var health = await gateway.Http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains($"Now listening on: {gateway.BaseUrl.ToString().TrimEnd('/')}", gateway.LogTail());
    }

    [RabbitMqFact]
    public async Task A_fresh_rabbitmq_vhost_is_created_and_deleted()
    {
        string name;
        await using (var vhost = await RabbitMqVhost.CreateAsync())
        {
            name = vhost.Settings.VirtualHost;
            Assert.Contains(name, await RabbitMqVhost.RunCtlAsync("list_vhosts", "--quiet"));
        }
        Assert.DoesNotContain(name, await RabbitMqVhost.RunCtlAsync("list_vhosts", "--quiet"));
    }
}
