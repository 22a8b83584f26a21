using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Browser.Tests;

/// <summary>
/// What a resident and a commune official do, in a real browser against the real gateway process: the simulator
/// phone page, the sign-in page, the inbox, a conversation, a reply, and the access rule.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WebInboxTests(BrowserFixture f, ITestOutputHelper output)
{
    private const string LienSonCode = "04960";

    [ChromiumFact]
    public Task Resident_registers_from_the_simulator_page_and_the_lien_son_officer_replies_from_the_web_inbox() => f.RunAsync(async () =>
    {
        var phone = BrowserFixture.NewLocalPhone();
        var marker = Marker();

        // The resident's phone: the default number is offered, another is picked.
        var sim = await f.NewPageAsync();
        await sim.GotoAsync("/simulator");
        await Expect(sim.Locator("#ph")).ToHaveValueAsync("0912345678");
        await sim.FillAsync("#ph", phone);
        await sim.ClickAsync("text=Đổi số");
        await Expect(sim).ToHaveURLAsync(new Regex("phone=" + phone));
        var thread = sim.Locator("#thread");

        // First text → asked which commune (the thread refreshes by itself every 2 s).
        await SendFromPhoneAsync(sim, $"Xin hỏi thủ tục làm giấy khai sinh cho con ({marker})");
        await Expect(thread).ToContainTextAsync("Bạn ở xã/phường nào");

        // "DK Liên Sơn" is ambiguous (Lào Cai and Phú Thọ both have one) → numbered choices.
        await SendFromPhoneAsync(sim, "DK Liên Sơn");
        await Expect(thread).ToContainTextAsync("Trả lời số");
        var choices = await thread.Locator("li.in").Last.InnerTextAsync();
        var choice = Regex.Match(choices, @"(\d+)\) Xã Liên Sơn \(04960\)");
        Assert.True(choice.Success, $"the choices should offer Xã Liên Sơn (04960), Phú Thọ: '{choices}'");

        // The number → the held question lands in Liên Sơn's inbox; the phone gets a tracking code.
        await SendFromPhoneAsync(sim, choice.Groups[1].Value);
        await Expect(thread).ToContainTextAsync("Mã theo dõi");
        var code = TrackingCode().Match(await thread.InnerTextAsync()).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(code));
        await ShotAsync(sim, "simulator-tracking-code");

        // The officer: /inbox sends an anonymous browser to the sign-in page and back.
        var officer = await f.NewPageAsync();
        await officer.GotoAsync("/inbox");
        await Expect(officer).ToHaveURLAsync(new Regex(@"/login\?returnUrl=%2Finbox$"));
        await SignInAsync(officer, Demo.LienSonOfficer);
        await Expect(officer).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(officer.Locator("h1")).ToContainTextAsync("Xã Liên Sơn");
        var row = officer.Locator("#conversations li", new() { HasText = code });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Đang mở");
        await Expect(row).ToContainTextAsync("Mô phỏng");
        await Expect(row).ToContainTextAsync("*" + phone[^3..]); // masked: only the last three digits
        Assert.DoesNotContain(phone[1..], await officer.ContentAsync());
        await ShotAsync(officer, "inbox");

        // The conversation: the resident's text, the automatic acknowledgement, a reply.
        await row.Locator("a").ClickAsync();
        await Expect(officer.Locator("h1")).ToContainTextAsync(code);
        await Expect(officer.Locator("#messages")).ToContainTextAsync(marker);
        Assert.DoesNotContain(phone[1..], await officer.ContentAsync());
        var reply = $"Chào bạn, mời bạn mang CCCD và giấy chứng sinh đến UBND xã ({marker})";
        await officer.FillAsync("#text", reply);
        await Expect(officer.Locator("#sms")).ToContainTextAsync("UCS-2 (có dấu) · 2 tin SMS"); // the script's live count
        await officer.ClickAsync("text=Gửi trả lời");
        await Expect(officer.Locator("p.ok")).ToContainTextAsync("Đã xếp trả lời vào hàng gửi");
        var sent = officer.Locator("#messages li.out", new() { HasText = reply });
        await Expect(sent).ToHaveCountAsync(1);
        await Expect(sent).ToContainTextAsync(Demo.LienSonOfficer);
        await ReloadUntilAsync(officer, sent, "đã đến máy"); // the simulator reports delivery at once
        await ShotAsync(officer, "conversation");

        // The phone shows the reply without anyone touching it.
        await Expect(thread).ToContainTextAsync(reply);
        await ShotAsync(sim, "simulator-reply");
    });

    [ChromiumFact]
    public Task A_wrong_password_shows_the_form_again_with_an_error_and_no_session() => f.RunAsync(async () =>
    {
        var page = await f.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#u", Demo.LienSonOfficer);
        await page.FillAsync("#p", "not-the-password");
        var response = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button:has-text('Đăng nhập')"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/login", StringComparison.Ordinal));
        Assert.Equal(401, response.Status);
        await Expect(page.Locator("p.e")).ToHaveTextAsync("Sai tên đăng nhập hoặc mật khẩu.");
        await Expect(page.Locator("#u")).ToHaveValueAsync(Demo.LienSonOfficer);
        await ShotAsync(page, "login-wrong-password");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "gw_session");

        await page.GotoAsync("/inbox");
        await Expect(page).ToHaveURLAsync(new Regex(@"/login\?returnUrl="));
    });

    [ChromiumFact]
    public Task The_ban_ho_officer_cannot_open_a_lien_son_conversation() => f.RunAsync(async () =>
    {
        var (code, id) = await NewLienSonConversationAsync(Marker());

        var page = await f.NewPageAsync();
        await page.GotoAsync("/login");
        await SignInAsync(page, Demo.BanHoOfficer);
        await Expect(page.Locator("h1")).ToContainTextAsync("Xã Bản Hồ");
        Assert.DoesNotContain(code, await page.ContentAsync());

        var response = await page.GotoAsync($"/conversations/{id}");
        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Không tìm thấy hội thoại");
        Assert.DoesNotContain(code, await page.ContentAsync());
    });

    [ChromiumFact]
    public Task The_phu_tho_officer_sees_the_whole_province_narrows_it_to_a_commune_or_triage_and_resolves() => f.RunAsync(async () =>
    {
        var (code, id) = await NewLienSonConversationAsync(Marker());
        var page = await f.NewPageAsync();
        await page.GotoAsync("/login");
        await SignInAsync(page, Demo.ProvinceOfficer);
        await Expect(page.Locator("h1")).ToContainTextAsync("Tỉnh Phú Thọ");
        var row = page.Locator("#conversations li", new() { HasText = code });
        await Expect(row).ToContainTextAsync("Xã Liên Sơn");

        await page.SelectOptionAsync("#cm", LienSonCode);
        await page.ClickAsync("text=Lọc");
        await Expect(page).ToHaveURLAsync(new Regex("commune=04960"));
        await Expect(page.Locator("h1")).ToContainTextAsync("Xã Liên Sơn");
        await Expect(row).ToHaveCountAsync(1);
        await ShotAsync(page, "inbox-province");

        await page.SelectOptionAsync("#cm", "triage");
        await page.ClickAsync("text=Lọc");
        await Expect(page.Locator("h1")).ToContainTextAsync("Hộp phân loại");
        await Expect(row).ToHaveCountAsync(0);

        await page.GotoAsync($"/conversations/{id}");
        await page.ClickAsync("text=Đánh dấu đã giải quyết");
        await Expect(page.Locator("h1")).ToContainTextAsync("Đã xong");
        await page.GotoAsync("/inbox?commune=04960");
        await page.ClickAsync("nav >> text=Đã xong");
        await Expect(page).ToHaveURLAsync(new Regex("status=resolved&commune=04960"));
        await Expect(row).ToContainTextAsync("Đã xong");
        await page.ClickAsync("nav >> text=Đang mở");
        await Expect(row).ToHaveCountAsync(0);
    });

    [ChromiumFact]
    public Task Without_javascript_the_phone_sends_and_refreshes_and_the_reply_box_counts_sms_on_the_server() => f.RunAsync(async () =>
    {
        // The phone: a plain form post and a refresh link.
        var phone = BrowserFixture.NewLocalPhone();
        var sim = await f.NewPageAsync(javaScript: false);
        await sim.GotoAsync($"/simulator?phone={phone}");
        await sim.FillAsync("#text", "Cho tôi hỏi lịch tiêm chủng");
        await sim.ClickAsync("#send button");
        await Expect(sim.Locator("#thread")).ToContainTextAsync("Cho tôi hỏi lịch tiêm chủng");
        await ReloadUntilAsync(sim, sim.Locator("#thread"), "Bạn ở xã/phường nào", () => sim.ClickAsync("text=Làm mới"));

        // The reply box: "Tính số tin" shows segments computed by the server, and sends nothing.
        var marker = Marker();
        var (_, id) = await NewLienSonConversationAsync(marker);
        var officer = await f.NewPageAsync(javaScript: false);
        await officer.GotoAsync($"/conversations/{id}");
        await SignInAsync(officer, Demo.LienSonOfficer);
        await Expect(officer.Locator("#messages")).ToContainTextAsync(marker);
        const string text = "UBND xã Liên Sơn thông báo: tiêm chủng cho trẻ vào sáng thứ Bảy tại trạm y tế xã.";
        Assert.InRange(text.Length, 71, 134); // two UCS-2 parts; one GSM-7 part without the accents
        await officer.FillAsync("#text", text);
        await officer.ClickAsync("text=Tính số tin");
        await Expect(officer.Locator("#sms")).ToContainTextAsync($"{text.Length} ký tự · UCS-2 (có dấu) · 2 tin SMS");
        await Expect(officer.Locator("#sms")).ToContainTextAsync("(không dấu: 1 tin)");
        await Expect(officer.Locator("#text")).ToHaveValueAsync(text);
        await Expect(officer.Locator("#messages li.out", new() { HasText = text })).ToHaveCountAsync(0);

        await officer.ClickAsync("text=Gửi trả lời");
        await Expect(officer.Locator("#messages li.out", new() { HasText = text })).ToHaveCountAsync(1);
        await Expect(officer.Locator("#text")).ToHaveValueAsync("");
    });

    // ---------------------------------------------------------------- helpers

    private static string Marker() => "ma-" + Guid.NewGuid().ToString("N")[..10];

    [GeneratedRegex(@"Mã theo dõi: ([A-Z0-9-]+)")]
    private static partial Regex TrackingCode();

    private static async Task SendFromPhoneAsync(IPage sim, string text)
    {
        await sim.FillAsync("#text", text);
        await sim.ClickAsync("#send button");
        await Expect(sim.Locator("#thread")).ToContainTextAsync(text);
    }

    private static Task SignInAsync(IPage page, string username) => BrowserFixture.SignInAsync(page, username);

    /// <summary>Reloads (or clicks a refresh link) until the locator shows the text: for pages without a live refresh.</summary>
    private static async Task ReloadUntilAsync(IPage page, ILocator locator, string text, Func<Task>? refresh = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if ((await locator.AllInnerTextsAsync()).Any(t => t.Contains(text, StringComparison.Ordinal))) return;
            if (DateTime.UtcNow > deadline) break;
            await Task.Delay(300);
            if (refresh is null) await page.ReloadAsync(); else await refresh();
        }
        await Expect(locator).ToContainTextAsync(text, new() { Timeout = 1 }); // fails with Playwright's description
    }

    /// <summary>Set-up through the API, not under test here: "DK 04960", then a question → a new Liên Sơn conversation.</summary>
    private async Task<(string Code, string Id)> NewLienSonConversationAsync(string marker)
    {
        var phone = BrowserFixture.NewLocalPhone();
        await f.SimulatorSendAsync(phone, "DK 04960");
        await f.WaitForSimulatorTextAsync(phone, new Regex("Đã ghi nhận"));
        await f.SimulatorSendAsync(phone, $"Xin hỏi về trợ cấp người cao tuổi ({marker})");
        var code = (await f.WaitForSimulatorTextAsync(phone, TrackingCode())).Groups[1].Value;
        return (code, await f.ConversationIdAsync(LienSonCode, Demo.LienSonOfficer, code));
    }

    private async Task ShotAsync(IPage page, string name)
    {
        var path = await BrowserFixture.ScreenshotAsync(page, name);
        output.WriteLine($"screenshot: {path}");
    }
}
