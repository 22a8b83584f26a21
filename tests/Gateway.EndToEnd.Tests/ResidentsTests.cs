using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The residents list over real HTTP: import, export, the refusals, the page, and the demo's residents.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed partial class ResidentsTests(InMemoryGatewayFixture f)
{
    private const string Header = "phone,zalo_user_id,commune_code,language,tags";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? asUser, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (asUser is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await f.Api.TokenAsync(asUser));
        return await f.Gateway.Http.SendAsync(request);
    }

    private static StringContent Csv(string text, string contentType = "text/csv") => new(text, Encoding.UTF8, contentType);

    private Task<HttpResponseMessage> ImportAsync(string text, string? asUser = Demo.ProvinceOfficer, string contentType = "text/csv") =>
        SendAsync(HttpMethod.Post, "/api/residents/import", asUser, Csv(text, contentType));

    [Fact]
    public Task A_province_officer_imports_reimports_and_exports_the_list() => f.RunAsync(async () =>
    {
        string a = Demo.NewResidentPhone(), b = Demo.NewResidentPhone();
        var zalo = Demo.NewZaloUserId();
        var text = $"{Header}\r\n{a},,{Demo.LienSonCode},hnj,ho-ngheo\r\n{b},{zalo},{Demo.LienSonCode},,\r\nnot-a-phone,,{Demo.LienSonCode},,\r\n";

        using (var first = await ImportAsync(text))
        {
            var body = await first.Content.ReadAsStringAsync();
            Assert.True(first.StatusCode == HttpStatusCode.OK, $"{(int)first.StatusCode} {body}");
            using var json = JsonDocument.Parse(body);
            Assert.Equal(2, json.RootElement.GetProperty("imported").GetInt32());
            Assert.Equal(0, json.RootElement.GetProperty("updated").GetInt32());
            var rejected = json.RootElement.GetProperty("rejected").EnumerateArray().Single();
            Assert.Equal(4, rejected.GetProperty("line").GetInt32());
            Assert.False(string.IsNullOrEmpty(rejected.GetProperty("reason").GetString()));
        }
        using (var again = await ImportAsync(text))
        {
            using var json = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
            Assert.Equal((0, 2), (json.RootElement.GetProperty("imported").GetInt32(), json.RootElement.GetProperty("updated").GetInt32()));
        }

        using var export = await SendAsync(HttpMethod.Get, $"/api/residents/export?commune={Demo.LienSonCode}", Demo.ProvinceOfficer);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var lines = (await export.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(Header, lines[0]);
        Assert.Contains($"{a},,{Demo.LienSonCode},hnj,ho-ngheo", lines);
        Assert.Contains($"{b},{zalo},{Demo.LienSonCode},,", lines);
        Assert.All(lines.Skip(1).Where(l => l.Length > 0), l => Assert.Equal(Demo.LienSonCode, l.Split(',')[2]));

        // The audit log has the counts, never the numbers.
        var audit = DatabaseInspector.Rows(f.Gateway.DatabasePath).Where(r => r.Table == "audit_log").ToList();
        Assert.Contains(audit, r => r.Texts.Contains("residents.import") && r.Texts.Any(t => t.Contains("imported=2")));
        Assert.DoesNotContain(audit, r => r.Texts.Any(t => t.Contains(a[3..]) || t.Contains(zalo)));
    });

    [Fact]
    public Task Imports_and_exports_are_refused_to_others() => f.RunAsync(async () =>
    {
        var row = $"{Header}\n{Demo.NewResidentPhone()},,{Demo.LienSonCode},,\n";
        using (var anonymous = await ImportAsync(row, asUser: null)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var anonymous = await SendAsync(HttpMethod.Get, "/api/residents/export", null)) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var commune = await ImportAsync(row, Demo.LienSonOfficer)) Assert.Equal(HttpStatusCode.Forbidden, commune.StatusCode);
        using (var commune = await SendAsync(HttpMethod.Get, "/api/residents/export", Demo.LienSonOfficer)) Assert.Equal(HttpStatusCode.Forbidden, commune.StatusCode);
        using (var otherProvince = await SendAsync(HttpMethod.Get, $"/api/residents/export?commune={Demo.BanHoCode}", Demo.ProvinceOfficer))
            Assert.Equal(HttpStatusCode.Forbidden, otherProvince.StatusCode);

        using (var json = await ImportAsync(row, contentType: "application/json"))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
            Assert.Contains("text/csv", await json.Content.ReadAsStringAsync());
        }
        using (var noHeader = await ImportAsync($"{Demo.NewResidentPhone()},,{Demo.LienSonCode},,\n"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noHeader.StatusCode);
            Assert.Contains(Header, await noHeader.Content.ReadAsStringAsync());
        }
        // A row of another province is rejected, not imported.
        using (var banHo = await ImportAsync($"{Header}\n{Demo.NewResidentPhone()},,{Demo.BanHoCode},,\n"))
        {
            using var doc = JsonDocument.Parse(await banHo.Content.ReadAsStringAsync());
            Assert.Equal(0, doc.RootElement.GetProperty("imported").GetInt32());
            Assert.Equal(2, doc.RootElement.GetProperty("rejected")[0].GetProperty("line").GetInt32());
        }
    });

    [Fact]
    public Task A_file_larger_than_the_servers_default_body_limit_is_read() => f.RunAsync(async () =>
    {
        // 35 MB (Kestrel refuses more than 30 MB by default), cheap to import: one resident, then lines of spaces.
        var phone = Demo.NewResidentPhone();
        var blank = new string(' ', 1 << 20) + "\n";
        var text = new StringBuilder($"{Header}\n{phone},,{Demo.LienSonCode},vi,\n", 36 << 20);
        for (var i = 0; i < 35; i++) text.Append(blank);
        using var response = await ImportAsync(text.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(1, json.RootElement.GetProperty("imported").GetInt32());
        Assert.Empty(json.RootElement.GetProperty("rejected").EnumerateArray());
    });

    [Fact]
    public Task The_demo_has_phu_tho_residents_and_a_second_province_officer() => f.RunAsync(async () =>
    {
        using var export = await SendAsync(HttpMethod.Get, "/api/residents/export", "phuthoduyet");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var demo = (await export.Content.ReadAsStringAsync()).Split("\r\n").Count(l => l.StartsWith("+8452000", StringComparison.Ordinal));
        Assert.InRange(demo, 1900, 2000); // ~2,000 seeded; the export lists the opted-out too
    });

    [Fact]
    public Task The_residents_page_uploads_a_file_and_shows_the_rejected_lines() => f.RunAsync(async () =>
    {
        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = f.Gateway.BaseUrl })
        using (var toLogin = await anonymous.GetAsync("/residents"))
            Assert.StartsWith("/login", toLogin.Headers.Location?.OriginalString);
        using (var commune = await SignedInAsync(Demo.LienSonOfficer))
        using (var communePage = await commune.GetAsync("/residents"))
            Assert.Equal(HttpStatusCode.Forbidden, communePage.StatusCode);

        using var browser = await SignedInAsync(Demo.ProvinceOfficer);

        var page = await browser.GetStringAsync("/residents");
        Assert.Contains("/residents/export", page); // the page's own route: the session cookie is not accepted under /api
        Assert.DoesNotContain("/api/residents/export", page);
        using (var download = await browser.GetAsync($"/residents/export?commune={Demo.LienSonCode}"))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.StartsWith("text/csv", download.Content.Headers.ContentType?.ToString());
        }
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes($"{Header}\n{Demo.NewResidentPhone()},,{Demo.LienSonCode},vi,\n,,{Demo.LienSonCode},,\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var form = new MultipartFormDataContent { { new StringContent(Token(page)), "_af" }, { file, "file", "cu-dan.csv" } };
        using var posted = await browser.PostAsync("/residents", form);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.True(posted.StatusCode == HttpStatusCode.OK, $"{(int)posted.StatusCode} {html}");
        Assert.Matches(@"Đã thêm <b>1</b> cư dân mới, cập nhật <b>0</b>, bỏ qua <b>1</b>", html);
        Assert.Matches(@"<tr><td>3</td><td>[^<]+</td></tr>", html);

        // Without the anti-forgery token nothing is imported.
        using var forged = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes($"{Header}\n{Demo.NewResidentPhone()},,{Demo.LienSonCode},,\n")), "file", "x.csv" } };
        using var refused = await browser.PostAsync("/residents", forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    });

    private Task<HttpClient> SignedInAsync(string username) => BrowserClient.SignedInAsync(f.Gateway, username, "/residents");

    private static string Token(string html) => BrowserClient.Token(html);
}
