using System.Net.Sockets;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the machine offers the end-to-end tests. tests/run-tests.sh exports the variables; a test
/// that needs a missing dependency is skipped with a reason outside CI and fails under CI (CI=true),
/// so a missing broker or browser never turns into a silent pass.
/// </summary>
public static class TestEnvironment
{
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ||
        Environment.GetEnvironmentVariable("CI") == "1";

    /// <summary>amqp://user:pass@host:port/ of a running RabbitMQ, from GATEWAY_TEST_RABBITMQ.</summary>
    public static Uri? RabbitMqUri =>
        Uri.TryCreate(Environment.GetEnvironmentVariable("GATEWAY_TEST_RABBITMQ"), UriKind.Absolute, out var uri) ? uri : null;

    public static string RabbitMqCtl =>
        Environment.GetEnvironmentVariable("GATEWAY_TEST_RABBITMQCTL") is { Length: > 0 } ctl ? ctl : "rabbitmqctl";

    public static string? ChromiumPath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("GATEWAY_TEST_CHROMIUM");
            if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
            return File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
        }
    }

    /// <summary>Null when RabbitMQ is reachable, otherwise why not.</summary>
    public static string? RabbitMqUnavailableReason()
    {
        var uri = RabbitMqUri;
        if (uri is null) return "GATEWAY_TEST_RABBITMQ is not set (tests/run-tests.sh starts RabbitMQ and sets it)";
        var port = uri.Port > 0 ? uri.Port : 5672;
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync(uri.Host, port).Wait(TimeSpan.FromSeconds(3)))
                return $"RabbitMQ at {uri.Host}:{port} did not accept a connection";
            return null;
        }
        catch (Exception e)
        {
            return $"RabbitMQ at {uri.Host}:{port} is unreachable: {e.GetBaseException().Message}";
        }
    }

    public static string? ChromiumUnavailableReason() =>
        ChromiumPath is null ? "chromium not found (set GATEWAY_TEST_CHROMIUM or apt-get install chromium)" : null;

    /// <summary>Under CI a missing dependency is a failure: throws with the reason.</summary>
    public static void Require(string? unavailableReason)
    {
        if (unavailableReason is not null)
            throw new InvalidOperationException($"Required test dependency missing: {unavailableReason}");
    }
}

/// <summary>A fact that needs a running RabbitMQ: skipped (with the reason) outside CI when there is none, run and failed under CI.</summary>
public sealed class RabbitMqFactAttribute : FactAttribute
{
    public RabbitMqFactAttribute()
    {
        if (TestEnvironment.IsCi) return;
        var reason = TestEnvironment.RabbitMqUnavailableReason();
        if (reason is not null) Skip = "Skipped outside CI: " + reason;
    }
}

/// <summary>A fact that needs Debian's chromium: skipped (with the reason) outside CI when there is none, run and failed under CI.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (TestEnvironment.IsCi) return;
        var reason = TestEnvironment.ChromiumUnavailableReason();
        if (reason is not null) Skip = "Skipped outside CI: " + reason;
    }
}
