using System.Diagnostics;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A fresh RabbitMQ virtual host for one gateway (rabbitmqctl add_vhost + set_permissions), deleted on
/// dispose, so queues and exchanges of one run never meet another's.
/// </summary>
public sealed class RabbitMqVhost : IAsyncDisposable
{
    private RabbitMqVhost(RabbitMqSettings settings, bool created)
    {
        Settings = settings;
        Created = created;
    }

    public RabbitMqSettings Settings { get; }
    public bool Created { get; }

    public static async Task<RabbitMqVhost> CreateAsync()
    {
        TestEnvironment.Require(TestEnvironment.RabbitMqUnavailableReason());
        var uri = TestEnvironment.RabbitMqUri!;
        var userInfo = uri.UserInfo.Split(':', 2);
        var username = Uri.UnescapeDataString(userInfo.ElementAtOrDefault(0) is { Length: > 0 } u ? u : "guest");
        var password = Uri.UnescapeDataString(userInfo.ElementAtOrDefault(1) ?? "guest");
        var port = uri.Port > 0 ? uri.Port : 5672;
        var vhost = $"gateway-e2e-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..48];

        await RunCtlAsync("add_vhost", vhost);
        await RunCtlAsync("set_permissions", "-p", vhost, username, ".*", ".*", ".*");
        return new RabbitMqVhost(new RabbitMqSettings(uri.Host, port, vhost, username, password), created: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Created) return;
        try { await RunCtlAsync("delete_vhost", Settings.VirtualHost); }
        catch (Exception e) { Console.Error.WriteLine($"[e2e] could not delete vhost {Settings.VirtualHost}: {e.Message}"); }
    }

    public static async Task<string> RunCtlAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(TestEnvironment.RabbitMqCtl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + TestEnvironment.RabbitMqCtl);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{TestEnvironment.RabbitMqCtl} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }
}
