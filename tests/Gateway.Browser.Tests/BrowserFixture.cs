using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Gateway.Browser.Tests;

/// <summary>
/// One real gateway process (SQLite in a temp folder, in-memory bus, the simulator channel of appsettings.json, demo
/// officials) and one Debian chromium driven by Playwright. Under CI a missing chromium fails every test here;
/// outside CI the tests are skipped with the reason (<see cref="ChromiumFactAttribute"/>).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;

    public GatewayProcess Gateway { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: GATEWAY_TEST_SCREENSHOTS, else screenshots/ beside the test assembly.</summary>
    public static string ScreenshotDirectory =>
        Environment.GetEnvironmentVariable("GATEWAY_TEST_SCREENSHOTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        var missing = TestEnvironment.ChromiumUnavailableReason();
        if (missing is not null)
        {
            if (TestEnvironment.IsCi) TestEnvironment.Require(missing); // throws: red, never a silent pass
            return;                                                      // the [ChromiumFact] tests are skipped
        }
        // Notices may go out at any hour of the test run (the notice pages' tests watch a broadcast complete).
        Gateway = await GatewayProcess.StartNewAsync(new GatewaySettings
        {
            Extra = new Dictionary<string, string>
            {
                ["Notices__QuietHours__Start"] = "00:00",
                ["Notices__QuietHours__End"] = "00:00",
                ["Notices__SchedulerInterval"] = "00:00:00.500",
            },
        });
        // Routing is asynchronous and this box has two cores: wait generously (a pass is a pass at any speed).
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Gateway is not null) await Gateway.DisposeAsync();
    }

    /// <summary>A fresh browser profile (its own cookies), phone-sized like the devices officials and residents use.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Gateway.BaseUrl.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 400, Height = 860 },
            JavaScriptEnabled = javaScript,
            Locale = "vi-VN",
            TimezoneId = "Asia/Ho_Chi_Minh",
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>A fresh number in the national form a resident types ("091…"), unique within the run.</summary>
    public static string NewLocalPhone() => "0" + Demo.NewResidentPhone()["+84".Length..];

    /// <summary>Runs a test body; a failure carries the gateway's recent output.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try { await body(); }
        catch (Exception e) when (e is not GatewayFailedException)
        {
            throw new GatewayFailedException(e.Message, Gateway, e);
        }
    }

    /// <summary>Signs in on the page the browser is on (the sign-in form).</summary>
    public static async Task SignInAsync(IPage page, string username)
    {
        await page.FillAsync("#u", username);
        await page.FillAsync("#p", GatewayProcess.DemoPassword);
        await page.ClickAsync("button:has-text('Đăng nhập')");
        await Microsoft.Playwright.Assertions.Expect(page.Locator("header")).ToContainTextAsync("Đăng xuất");
    }

    // ---- HTTP helpers for set-up that is not under test (the API the pages sit beside).

    public async Task SimulatorSendAsync(string phone, string text)
    {
        using var r = await Gateway.Http.PostAsJsonAsync("/api/simulator/messages", new { from = phone, text });
        Assert.True(r.IsSuccessStatusCode, $"POST /api/simulator/messages answered {(int)r.StatusCode}");
    }

    /// <summary>Polls what the gateway sent to <paramref name="phone"/> until a text matches.</summary>
    public async Task<Match> WaitForSimulatorTextAsync(string phone, Regex pattern)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var seen = "";
        while (DateTime.UtcNow < deadline)
        {
            var texts = await Gateway.Http.GetFromJsonAsync<JsonElement>($"/api/simulator/messages?to={Uri.EscapeDataString(phone)}");
            foreach (var m in texts.EnumerateArray())
            {
                var text = m.GetProperty("text").GetString() ?? "";
                seen = text;
                if (pattern.Match(text) is { Success: true } match) return match;
            }
            await Task.Delay(200);
        }
        throw new GatewayFailedException($"The gateway sent {phone} nothing matching {pattern} (last: '{seen}')", Gateway);
    }

    public async Task<string> ApiTokenAsync(string username)
    {
        using var r = await Gateway.Http.PostAsJsonAsync("/api/auth/token", new { username, password = GatewayProcess.DemoPassword });
        r.EnsureSuccessStatusCode();
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>The id of the conversation with this tracking code in a commune's inbox, read through the API.</summary>
    public async Task<string> ConversationIdAsync(string communeCode, string asUser, string trackingCode)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/communes/{communeCode}/conversations");
        request.Headers.Authorization = new("Bearer", await ApiTokenAsync(asUser));
        using var r = await Gateway.Http.SendAsync(request);
        r.EnsureSuccessStatusCode();
        var list = await r.Content.ReadFromJsonAsync<JsonElement>();
        return list.EnumerateArray().First(c => c.GetProperty("trackingCode").GetString() == trackingCode).GetProperty("id").GetString()!;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "gateway process + Debian chromium";
}
