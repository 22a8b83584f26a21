using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Gateway.App.Features.Accounts;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Web;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// The sign-in, session and accounts endpoints on a real Kestrel (loopback, a free port) composed as Program.cs
/// composes them, on a SQLite file, with a <see cref="FakeTimeProvider"/> (locks and idle expiry pass in an instant)
/// and every log line captured, so a test can prove what never reaches the logs. Two probes answer who is signed in:
/// <c>GET /api/probe</c> (the API rules) and <c>GET /probe</c> (a web page's rules).
/// </summary>
public sealed partial class AuthWebHost : IAsyncDisposable
{
    public const string Password = "Correct-Horse-42!";
    public const string Admin = "admin";
    public const string LienSon = "lienson";     // commune 04960, province 25
    public const string PhuTho = "phutho";       // province 25

    private readonly WebApplication _app;
    private readonly string _folder;

    private AuthWebHost(WebApplication app, string folder, FakeTimeProvider time, CapturedLogs logs, Uri baseUrl)
    {
        _app = app;
        _folder = folder;
        Time = time;
        Logs = logs;
        BaseUrl = baseUrl;
        Http = Client();
    }

    public FakeTimeProvider Time { get; }
    public CapturedLogs Logs { get; }
    public Uri BaseUrl { get; }

    /// <summary>No cookies, no redirects followed: an API client.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<AuthWebHost> StartAsync(IDictionary<string, string?>? settings = null, string environment = "Production")
    {
        var folder = Path.Combine(Path.GetTempPath(), "gateway-app-tests", "auth-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);
        var values = new Dictionary<string, string?>
        {
            ["Gateway:PublicBaseUrl"] = "https://gateway.test",
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "gateway.db")}",
            ["Database:SqliteSynchronous"] = "NORMAL",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, ContentRootPath = folder });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(values);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);

        var time = new FakeTimeProvider(GatewayTestHostEpoch);
        // The same composition as Program.cs for what sign-in needs.
        builder.Services.AddGatewayCore();
        builder.Services.AddGatewayDatabase();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddGatewayAuth();
        builder.Services.AddWebPages();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();

        var app = builder.Build();
        try
        {
            await app.Services.GetRequiredService<Migrator>().MigrateAsync();
            var officials = app.Services.GetRequiredService<Officials>();
            await officials.CreateOrUpdateAsync(LienSon, Password, "UBND Xã Liên Sơn", Official.CommuneRole, "04960", "25");
            await officials.CreateOrUpdateAsync(PhuTho, Password, "Sở Nội vụ Phú Thọ", Official.ProvinceRole, null, "25");
            await officials.CreateOrUpdateAsync(Admin, Password, "Quản trị viên", Official.AdminRole, null, "");

            await app.UseAccountsAndSignInAsync();
            app.UseStatusCodePages();
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapAuthApi();
            LoginPages.MapLoginPages(app);
            app.MapGet("/api/probe", (HttpContext http) => Results.Ok(Official.From(http.User))).RequireAuthorization();
            app.MapGet("/probe", (HttpContext http) => Results.Ok(Official.From(http.User))).RequireAuthorization();
            app.MapGet("/inbox", () => Results.Text("inbox")).RequireAuthorization();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new AuthWebHost(app, folder, time, logs, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same instant as <see cref="Infrastructure.GatewayTestHost.Epoch"/>.</summary>
    private static readonly DateTimeOffset GatewayTestHostEpoch = Infrastructure.GatewayTestHost.Epoch;

    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        { BaseAddress = BaseUrl };

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    // ---- API ---------------------------------------------------------------------------------------------------

    /// <param name="clientAddress">Sent as X-Forwarded-For: the test client is on loopback, the default known proxy.</param>
    public async Task<HttpResponseMessage> TokenResponseAsync(string username, string password, string? clientAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username, password }) };
        if (clientAddress is not null) request.Headers.Add("X-Forwarded-For", clientAddress);
        return await Http.SendAsync(request);
    }

    public async Task<string> TokenAsync(string username, string password = Password)
    {
        using var response = await TokenResponseAsync(username, password);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"token for {username}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("token").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await Http.SendAsync(request);
    }

    /// <summary>The status <c>GET /api/probe</c> answers with this token.</summary>
    public async Task<HttpStatusCode> ProbeAsync(string token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/probe", token);
        return response.StatusCode;
    }

    // ---- Web ---------------------------------------------------------------------------------------------------

    /// <summary>Signs in through the form; returns the client (holding gw_session) and the POST's response.</summary>
    public async Task<(HttpClient Browser, HttpResponseMessage Response)> SignInWithFormAsync(string username, string password = Password,
        IDictionary<string, string>? headers = null)
    {
        var browser = Client(new CookieContainer());
        var form = await browser.GetStringAsync("/login");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [WebPages.AntiforgeryField] = AntiforgeryToken(form), ["username"] = username, ["password"] = password, ["returnUrl"] = "/inbox",
            }),
        };
        foreach (var (key, value) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(key, value);
        return (browser, await browser.SendAsync(request));
    }

    public static string AntiforgeryToken(string html) =>
        AntiforgeryField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no anti-forgery field in: " + html);

    [GeneratedRegex("name=_af value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    // ---- Database ----------------------------------------------------------------------------------------------

    public async Task<List<AuditRow>> AuditAsync(string? action = null)
    {
        await using var c = await Get<Db>().OpenAsync();
        return (await c.QueryAsync<AuditRow>(
            "SELECT actor AS Actor, action AS Action, target AS Target, outcome AS Outcome, detail AS Detail FROM audit_log WHERE @action IS NULL OR action = @action ORDER BY id",
            new { action })).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var c = await Get<Db>().OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, param))!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}

public sealed record AuditRow(string Actor, string Action, string? Target, string Outcome, string? Detail)
{
    public override string ToString() => $"{Actor} {Action} {Target} {Outcome} {Detail}";
}

/// <summary>Every log line, with its structured values, from every category and level the host writes.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    /// <summary>Fails naming the first line that contains <paramref name="secret"/> (case-insensitive).</summary>
    public void AssertNowhere(string secret, string what)
    {
        var leak = Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        Assert.True(leak is null, $"{what} reached the logs: {leak}");
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            owner._lines.Enqueue($"scope {category}: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
