using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Browser.Tests;

/// <summary>
/// The help desk in Chromium against the real process: the Liên Sơn officer sees a new message arrive without reloading,
/// answers with a canned reply and watches it become delivered, takes it, adds a note and escalates it; the Phú Thọ
/// officer finds it among the province's escalations and on the dashboard; the Bản Hồ officer cannot open it. The first
/// view's transferred bytes are counted.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class HelpDeskPagesTests(BrowserFixture f, ITestOutputHelper output)
{
    [GeneratedRegex(@"Mã theo dõi: ([A-Z0-9-]+)")]
    private static partial Regex TrackingCode();

    [ChromiumFact]
    public Task A_new_message_appears_live_and_the_officer_works_it_through_to_the_province() => f.RunAsync(async () =>
    {
        // The officer's inbox is open before the resident writes; the first view is weighed.
        var officer = await f.NewPageAsync();
        officer.Console += (_, m) => output.WriteLine("officer console: " + m.Text);
        officer.PageError += (_, e) => output.WriteLine("officer page error: " + e);
        officer.RequestFailed += (_, r) => output.WriteLine("officer request failed: " + r.Url + " " + r.Failure);
        var responses = new System.Collections.Concurrent.ConcurrentQueue<IResponse>();
        officer.Response += (_, r) => responses.Enqueue(r); // bodies are read after: awaiting inside the event would block Playwright
        await officer.GotoAsync("/login?returnUrl=%2Finbox");
        await BrowserFixture.SignInAsync(officer, Demo.LienSonOfficer);
        await Expect(officer).ToHaveURLAsync(new Regex("/inbox$"));
        long bytes = 0;
        // The event stream never ends, so it is not part of a view's weight (and its body cannot be read whole).
        foreach (var r in responses.Where(r => r.Status is >= 200 and < 300 && !r.Url.Contains("/stream")))
            try { bytes += (await r.BodyAsync()).Length; } catch (PlaywrightException) { /* a redirect or the event stream has no body to read */ }
        output.WriteLine($"first view (sign-in and inbox, all responses): {bytes} bytes");
        Assert.True(bytes < 100_000, $"the first view should transfer under 100 KB: {bytes} bytes");
        await officer.EvaluateAsync("() => { window.__noReload = 42; }");

        var phone = BrowserFixture.NewLocalPhone();
        var marker = "ma-" + Guid.NewGuid().ToString("N")[..10];
        await f.SimulatorSendAsync(phone, "DK 04960");
        await f.SimulatorSendAsync(phone, $"Đường vào thôn Bến bị sạt lở ({marker})");
        var code = (await f.WaitForSimulatorTextAsync(phone, TrackingCode())).Groups[1].Value;

        // It appears without a reload: the page's script state survives.
        var row = officer.Locator("#conversations li", new() { HasText = code });
        try { await Expect(row).ToHaveCountAsync(1, new() { Timeout = 15_000 }); }
        catch (PlaywrightException) { output.WriteLine(await officer.ContentAsync()); throw; }
        await Expect(row).ToContainTextAsync("mới");
        Assert.Equal(42, await officer.EvaluateAsync<int>("() => window.__noReload"));

        // A canned reply of the commune, made through the API (set-up, not under test here).
        var token = await f.ApiTokenAsync(Demo.LienSonOfficer);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/canned-replies") { Content = JsonContent.Create(new { title = "Đã chuyển đội công trình", text = $"Xã đã báo đội công trình, sẽ thông đường trong ngày ({marker})" }) })
        {
            request.Headers.Authorization = new("Bearer", token);
            using var created = await f.Gateway.Http.SendAsync(request);
            Assert.True(created.IsSuccessStatusCode, $"POST /api/canned-replies answered {(int)created.StatusCode}");
        }

        await row.Locator("a").ClickAsync();
        await Expect(officer.Locator("h1")).ToContainTextAsync(code);
        await officer.ClickAsync("#canned a:has-text('Đã chuyển đội công trình')");
        await Expect(officer.Locator("#text")).ToHaveValueAsync($"Xã đã báo đội công trình, sẽ thông đường trong ngày ({marker})");
        await officer.ClickAsync("text=Gửi trả lời");
        var sent = officer.Locator("#messages li.out", new() { HasText = "đội công trình" });
        await Expect(sent).ToHaveCountAsync(1);
        await Expect(sent).ToContainTextAsync("đã đến máy", new() { Timeout = 15_000 }); // the simulator's delivery report, live

        // Take it, note it, escalate it.
        await officer.ClickAsync("#actions summary");
        await officer.ClickAsync("button:has-text('Tôi nhận')");
        await Expect(officer.Locator("#facts")).ToContainTextAsync(Demo.LienSonOfficer);
        await officer.ClickAsync("#actions summary");
        await officer.FillAsync("#nt", "Đã gọi trưởng thôn xác minh hiện trường.");
        await officer.ClickAsync("button:has-text('Thêm ghi chú')");
        await Expect(officer.Locator("#messages li.ev[data-kind=note]")).ToContainTextAsync("Đã gọi trưởng thôn");
        await officer.ClickAsync("#actions summary");
        await officer.ClickAsync("button:has-text('Chuyển lên tỉnh')");
        await Expect(officer.Locator("#escalated")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(officer, "helpdesk-conversation");
        var conversationUrl = officer.Url;

        // The province sees it among its escalations and on the dashboard.
        var province = await f.NewPageAsync();
        await province.GotoAsync("/login?returnUrl=%2Finbox%3Fstatus%3Descalated");
        await BrowserFixture.SignInAsync(province, Demo.ProvinceOfficer);
        await Expect(province.Locator("#conversations li", new() { HasText = code })).ToHaveCountAsync(1);
        await province.GotoAsync("/oversight");
        await Expect(province.Locator("#dashboard")).ToContainTextAsync("Liên Sơn");
        await BrowserFixture.ScreenshotAsync(province, "oversight");

        // Bản Hồ (another province) cannot open it.
        var other = await f.NewPageAsync();
        await other.GotoAsync("/login");
        await BrowserFixture.SignInAsync(other, Demo.BanHoOfficer);
        var denied = await other.GotoAsync(conversationUrl);
        Assert.Equal(404, denied!.Status);
        Assert.DoesNotContain(marker, await other.ContentAsync());
    });
}
