using System.Net;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Browser.Tests;

/// <summary>
/// A province broadcast from the pages, in a real browser against the real process: one officer previews and creates
/// it, a second approves it from the approval queue, and the broadcast page follows the send to the end (the demo's
/// Phú Thọ residents, by SMS through the simulator channel). The creator cannot approve; a commune officer gets 403.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class NoticePagesTests(BrowserFixture f, ITestOutputHelper output)
{
    private const string SecondOfficer = "phuthoduyet";
    private const string Template = "canh-bao-sat-lo";

    [ChromiumFact]
    public Task An_officer_previews_and_creates_a_landslide_warning_a_second_officer_approves_it_and_it_is_sent() => f.RunAsync(async () =>
    {
        var page = await f.NewPageAsync();
        await page.GotoAsync("/notices/new");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?returnUrl=%2Fnotices%2Fnew$"));
        await SignInAsync(page, Demo.ProvinceOfficer);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Tạo thông báo");
        await Expect(page.Locator("header")).ToContainTextAsync("Thông báo");

        // The template decides the inputs; fill each by its type, so the test does not depend on the template's wording.
        await page.SelectOptionAsync("#tp", Template);
        await page.ClickAsync("text=Chọn mẫu");
        await Expect(page.Locator("input[name=template]")).ToHaveValueAsync(Template);
        await FillVariablesAsync(page);
        await page.SelectOptionAsync("#au_c", Demo.LienSonCode);

        // Preview: computed on the server, nothing created.
        await page.ClickAsync("button:has-text('Xem trước')");
        await Expect(page.Locator("#preview")).ToBeVisibleAsync();
        var recipients = long.Parse(await page.Locator("#recipients b").InnerTextAsync());
        Assert.True(recipients > 0, "the demo seeds residents in Liên Sơn");
        await Expect(page.Locator("#by-commune")).ToContainTextAsync("Xã Liên Sơn");
        await Expect(page.Locator("#preview")).ToContainTextAsync("Tiếng Việt");
        await Expect(page.Locator("#preview")).ToContainTextAsync("UCS-2");
        await Expect(page.Locator("#au_c option:checked")).ToHaveTextAsync("Xã Liên Sơn"); // the form comes back as filled in
        await ShotAsync(page, "notice-preview");

        // Create → its page, pending approval; the creator has no approve button and a forged POST is refused.
        await page.ClickAsync("button:has-text('Tạo thông báo')");
        await Expect(page).ToHaveURLAsync(new Regex(@"/notices/[0-9a-f-]{36}\?done=created$"));
        var url = new Uri(page.Url).AbsolutePath;
        await Expect(page.Locator("#status")).ToHaveTextAsync("Chờ duyệt");
        await Expect(page.Locator("#actions button", new() { HasText = "Duyệt" })).ToHaveCountAsync(0);
        await Expect(page.Locator("#approval")).ToContainTextAsync("cán bộ tỉnh khác duyệt");
        var csrf = await page.Locator("input[name=_af]").First.GetAttributeAsync("value");
        var forged = await page.APIRequest.PostAsync(url + "/approve", new() { Form = FormWith(page, csrf!) });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains("không thể tự duyệt", await forged.TextAsync());
        await page.GotoAsync("/notices?tab=approval");
        Assert.DoesNotContain(url, await page.ContentAsync());
        await SignOutAsync(page);

        // The second officer approves from the queue.
        await page.GotoAsync("/notices?tab=approval");
        await SignInAsync(page, SecondOfficer);
        var queued = page.Locator("#broadcasts li", new() { Has = page.Locator($"a[href='{url}']") });
        await Expect(queued).ToHaveCountAsync(1);
        await ShotAsync(page, "notice-approval-queue");
        await queued.Locator("button:has-text('Duyệt')").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(url) + @"\?done=approve$"));

        // The page refreshes itself while sending, until every recipient is done.
        await Expect(page.Locator("#status")).ToHaveTextAsync("Đã gửi xong", new() { Timeout = 90_000 });
        var counts = await page.Locator("#counts").InnerTextAsync();
        Assert.StartsWith($"{recipients} người nhận · chờ gửi 0", counts);
        await Expect(page.Locator("#report")).ToContainTextAsync("Xã Liên Sơn");
        await Expect(page.Locator("meta[http-equiv=refresh]")).ToHaveCountAsync(0);
        Assert.Equal(0, await page.Locator("#actions").CountAsync());
        var sent = Regex.Match(counts, @"đã gửi (\d+) \(đã đến máy (\d+)\)");
        Assert.True(sent.Success && long.Parse(sent.Groups[1].Value) > 0, counts);
        await ShotAsync(page, "notice-completed");

        var csv = await page.APIRequest.GetAsync(url + "/report.csv");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("commune_code,language,channel,recipients", await csv.TextAsync());
        Assert.Contains(Demo.LienSonCode + ",", await csv.TextAsync());
    });

    [ChromiumFact]
    public Task A_commune_officer_gets_403_on_the_notice_pages() => f.RunAsync(async () =>
    {
        var page = await f.NewPageAsync();
        await page.GotoAsync("/login");
        await SignInAsync(page, Demo.LienSonOfficer);
        await Expect(page.Locator("header a[href='/notices']")).ToHaveCountAsync(0);
        foreach (var path in new[] { "/notices", "/notices/new" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(403, response!.Status);
            await Expect(page.Locator("p.e")).ToContainTextAsync("Chỉ cán bộ cấp tỉnh");
        }
    });

    [ChromiumFact]
    public Task A_preview_with_a_missing_value_names_the_problem_and_creates_nothing() => f.RunAsync(async () =>
    {
        var page = await f.NewPageAsync(javaScript: false);
        await page.GotoAsync($"/notices/new?template={Template}");
        await SignInAsync(page, Demo.ProvinceOfficer);
        await page.CheckAsync("#au_all");
        // Leave the variables empty: the browser's own "required" check is bypassed by posting the form as it is.
        var csrf = await page.Locator("#notice input[name=_af]").GetAttributeAsync("value");
        var form = FormWith(page, csrf!);
        form.Set("template", Template).Set("wholeProvince", "1").Set("do", "create");
        var response = await page.APIRequest.PostAsync("/notices/new", new() { Form = form });
        Assert.Equal(400, response.Status);
        Assert.Contains("Chưa tạo được thông báo", await response.TextAsync());
    });

    // ---------------------------------------------------------------- helpers

    /// <summary>A form post from this browser profile (its cookies) with the page's anti-forgery token.</summary>
    private static IFormData FormWith(IPage page, string csrf) => page.APIRequest.CreateFormData().Set("_af", csrf);

    private static async Task FillVariablesAsync(IPage page)
    {
        var fields = page.Locator("#vars input, #vars select");
        var n = await fields.CountAsync();
        Assert.True(n > 0, "the template has variables");
        for (var i = 0; i < n; i++)
        {
            var field = fields.Nth(i);
            if (await field.EvaluateAsync<string>("e => e.tagName") == "SELECT")
            {
                await field.SelectOptionAsync(Demo.LienSonCode);
                continue;
            }
            var type = await field.GetAttributeAsync("type");
            await field.FillAsync(type switch
            {
                "date" => "2026-12-10",
                "time" => "07:30",
                "number" => "1500000",
                _ => "thử nghiệm",
            });
        }
    }

    private static async Task SignInAsync(IPage page, string username)
    {
        await page.FillAsync("#u", username);
        await page.FillAsync("#p", GatewayProcess.DemoPassword);
        await page.ClickAsync("button:has-text('Đăng nhập')");
        await Expect(page.Locator("header")).ToContainTextAsync("Đăng xuất");
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("header button:has-text('Đăng xuất')");
        await Expect(page).ToHaveURLAsync(new Regex("/login$"));
    }

    private async Task ShotAsync(IPage page, string name)
    {
        var path = await BrowserFixture.ScreenshotAsync(page, name);
        output.WriteLine($"screenshot: {path}");
    }
}
