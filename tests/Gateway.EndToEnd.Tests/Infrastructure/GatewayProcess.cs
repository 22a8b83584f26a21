using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>How to configure one gateway process (everything goes in as environment variables).</summary>
public sealed record GatewaySettings
{
    public string Transport { get; init; } = "InMemory";
    public RabbitMqSettings? RabbitMq { get; init; }
    public Uri? TwilioApiBaseUrl { get; init; }
    public Uri? ZaloApiBaseUrl { get; init; }
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
    /// <summary>Choose the address with ASPNETCORE_URLS (as deploy/gateway.env.example does) instead of --urls.</summary>
    public bool UrlsFromEnvironment { get; init; }
    /// <summary>Development is demo mode (the simulator, the demo officials, appsettings.Development.json); Production refuses it.</summary>
    public string Environment { get; init; } = "Development";
}

public sealed record RabbitMqSettings(string Host, int Port, string VirtualHost, string Username, string Password);

/// <summary>
/// The real gateway as a separate OS process: <c>dotnet Gateway.App.dll --urls http://127.0.0.1:{port}</c>,
/// with its own temporary data folder and SQLite database. It can be killed hard (SIGKILL, whole tree)
/// and started again on the same port and database. Its stdout/stderr are kept for failure messages.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    public const string DemoPassword = "E2e-demo-Passw0rd!";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);
    private readonly object _logLock = new();
    private readonly LinkedList<string> _log = new();
    private const int MaxLogLines = 4000;
    private Process? _process;
    private int _generation;

    public GatewayProcess(GatewaySettings settings)
    {
        Settings = settings;
        Port = FreeTcpPort();
        BaseUrl = new Uri($"http://127.0.0.1:{Port}");
        DataDirectory = Directory.CreateTempSubdirectory("gateway-e2e-").FullName;
        DatabasePath = Path.Combine(DataDirectory, "gateway.db");
        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public GatewaySettings Settings { get; }
    public int Port { get; }
    public Uri BaseUrl { get; }
    public string DataDirectory { get; }
    public string DatabasePath { get; }
    public HttpClient Http { get; }
    public bool IsRunning => _process is { HasExited: false };
    public int? ProcessId => _process?.Id;

    public static async Task<GatewayProcess> StartNewAsync(GatewaySettings settings)
    {
        var gateway = new GatewayProcess(settings);
        try
        {
            await gateway.StartAsync();
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>Environment handed to the gateway; public so a test can show it.</summary>
    public Dictionary<string, string> BuildEnvironment()
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = Settings.Environment,
            ["ASPNETCORE_ENVIRONMENT"] = Settings.Environment,
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["Logging__Console__FormatterName"] = "simple",
            ["Database__Provider"] = "Sqlite",
            ["Database__ConnectionString"] = $"Data Source={DatabasePath}",
            ["Gateway__PublicBaseUrl"] = BaseUrl.ToString().TrimEnd('/'),
            ["GATEWAY_DEMO_PASSWORD"] = DemoPassword,
            ["Messaging__Transport"] = Settings.Transport,
        };
        if (Settings.UrlsFromEnvironment) env["ASPNETCORE_URLS"] = BaseUrl.ToString().TrimEnd('/');
        if (Settings.RabbitMq is { } r)
        {
            env["Messaging__RabbitMq__Host"] = r.Host;
            env["Messaging__RabbitMq__Port"] = r.Port.ToString();
            env["Messaging__RabbitMq__VirtualHost"] = r.VirtualHost;
            env["Messaging__RabbitMq__Username"] = r.Username;
            env["Messaging__RabbitMq__Password"] = r.Password;
        }
        if (Settings.TwilioApiBaseUrl is { } twilio)
        {
            env[$"Channels__{Demo.TwilioKey}__Type"] = "twilio";
            env[$"Channels__{Demo.TwilioKey}__AccountSid"] = Demo.TwilioAccountSid;
            env[$"Channels__{Demo.TwilioKey}__AuthToken"] = Demo.TwilioAuthToken;
            env[$"Channels__{Demo.TwilioKey}__From"] = Demo.TwilioFrom;
            env[$"Channels__{Demo.TwilioKey}__ApiBaseUrl"] = twilio.ToString().TrimEnd('/');
        }
        if (Settings.ZaloApiBaseUrl is { } zalo)
        {
            env[$"Channels__{Demo.ZaloKey}__Type"] = "zalo";
            env[$"Channels__{Demo.ZaloKey}__AppId"] = Demo.ZaloAppId;
            env[$"Channels__{Demo.ZaloKey}__OaSecretKey"] = Demo.ZaloOaSecretKey;
            env[$"Channels__{Demo.ZaloKey}__AccessToken"] = Demo.ZaloAccessToken;
            env[$"Channels__{Demo.ZaloKey}__ApiBaseUrl"] = zalo.ToString().TrimEnd('/');
        }
        foreach (var (key, value) in Settings.Extra) env[key] = value;
        return env;
    }

    public async Task StartAsync() => await WaitForHealthAsync(Launch());

    /// <summary>Starts the gateway expecting it to stop by itself (a refused start); returns its exit code.</summary>
    public async Task<int> RunUntilExitAsync(TimeSpan timeout)
    {
        var process = Launch();
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new GatewayFailedException($"The gateway was still running after {timeout.TotalSeconds:0} s.", this); }
        process.WaitForExit(); // and its redirected output read to the end
        return process.ExitCode;
    }

    private Process Launch()
    {
        if (IsRunning) throw new InvalidOperationException("The gateway is already running.");
        var dll = LocateAppDll();
        var generation = Interlocked.Increment(ref _generation);
        AppendLog($"===== start #{generation}: dotnet {dll} --urls {BaseUrl} (data {DataDirectory}) =====");

        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(dll);
        if (!Settings.UrlsFromEnvironment)
        {
            psi.ArgumentList.Add("--urls");
            psi.ArgumentList.Add(BaseUrl.ToString().TrimEnd('/'));
        }

        // Start from the test's environment, minus anything that would configure the gateway behind our back.
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("Channels__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Messaging__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Database__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("Gateway__", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("GATEWAY_", StringComparison.OrdinalIgnoreCase))
                psi.Environment.Remove(key);
        }
        foreach (var (key, value) in BuildEnvironment()) psi.Environment[key] = value;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) AppendLog(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) AppendLog("[stderr] " + e.Data); };
        process.Exited += (_, _) => AppendLog($"===== process #{generation} exited =====");
        if (!process.Start()) throw new InvalidOperationException("Could not start dotnet " + dll);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return process;
    }

    private async Task WaitForHealthAsync(Process process)
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        string last = "no answer yet";
        using var probe = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new GatewayFailedException($"The gateway exited with code {process.ExitCode} before /health answered 200.", this);
            try
            {
                using var response = await probe.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.GetBaseException().Message;
            }
            await Task.Delay(200);
        }
        throw new GatewayFailedException($"GET /health did not answer 200 within {StartupTimeout.TotalSeconds:0} s (last: {last}).", this);
    }

    /// <summary>kill -9 of the gateway and anything it started; waits until it is gone.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null) return;
        try
        {
            if (!process.HasExited)
            {
                AppendLog("===== killing the gateway (SIGKILL, entire process tree) =====");
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit(30_000);
        }
        catch (InvalidOperationException) { /* already gone */ }
        finally
        {
            process.Dispose();
            _process = null;
        }
    }

    public async Task RestartAsync()
    {
        Kill();
        await StartAsync();
    }

    public string LogTail(int lines = 300)
    {
        lock (_logLock)
        {
            return string.Join('\n', _log.Skip(Math.Max(0, _log.Count - lines)));
        }
    }

    private void AppendLog(string line)
    {
        lock (_logLock)
        {
            _log.AddLast(line);
            while (_log.Count > MaxLogLines) _log.RemoveFirst();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        Http.Dispose();
        await Task.Yield();
        if (Environment.GetEnvironmentVariable("GATEWAY_TEST_KEEP_DATA") != "1")
        {
            try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// src/Gateway.App/bin/{Configuration}/{tfm}/Gateway.App.dll, in the configuration and target framework
    /// this test assembly was built with (or GATEWAY_APP_DLL).
    /// </summary>
    public static string LocateAppDll()
    {
        var configured = Environment.GetEnvironmentVariable("GATEWAY_APP_DLL");
        if (!string.IsNullOrEmpty(configured))
        {
            if (!File.Exists(configured)) throw new FileNotFoundException("GATEWAY_APP_DLL does not exist", configured);
            return configured;
        }
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;                       // net10.0
        var configuration = baseDir.Parent?.Name;      // Release | Debug
        var root = RepoRoot();
        var candidates = new List<string>();
        if (configuration is not null)
            candidates.Add(Path.Combine(root, "src", "Gateway.App", "bin", configuration, tfm, "Gateway.App.dll"));
        foreach (var c in new[] { "Release", "Debug" })
            candidates.Add(Path.Combine(root, "src", "Gateway.App", "bin", c, tfm, "Gateway.App.dll"));
        return candidates.FirstOrDefault(File.Exists)
               ?? throw new FileNotFoundException("Gateway.App.dll not found; build the solution first. Looked at: " + string.Join(", ", candidates));
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A failure that carries the gateway's recent output, so a red test shows what the process said.</summary>
public sealed class GatewayFailedException(string message, GatewayProcess? gateway, Exception? inner = null)
    : Exception(gateway is null ? message : $"{message}\n----- gateway output (tail) -----\n{gateway.LogTail()}\n----- end of gateway output -----", inner);
