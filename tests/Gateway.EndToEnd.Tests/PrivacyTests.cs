using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// A resident's request on the real process: the admin exports (JSON and CSV) and erases through the API and the page
/// (anti-forgery like the other admin pages); commune and province officers are refused; the number and the words are
/// then in no table; commune officers reach no list that shows a resident's language.
/// </summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class PrivacyTests(InMemoryGatewayFixture f)
{
    private const string Admin = "quantri";

    private async Task<(string Phone, string Marker)> ResidentWritesAsync()
    {
        var phone = Demo.NewResidentPhone();
        var marker = Flows.Marker();
        foreach (var text in new[] { $"DK {Demo.LienSonCode}", $"Hỏi về dữ liệu cá nhân ({marker})" })
        {
            using var sent = await f.Gateway.Http.PostAsJsonAsync("/api/simulator/messages", new { from = "0" + phone[3..], text });
            Assert.True(sent.IsSuccessStatusCode, $"simulator: {(int)sent.StatusCode}");
        }
        await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.ProvinceOfficer, marker);
        return (phone, marker);
    }

    private async Task<HttpResponseMessage> PostAsync(string who, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await f.Api.TokenAsync(who));
        return await f.Gateway.Http.SendAsync(request);
    }

    [Fact]
    public Task The_admin_exports_and_erases_through_the_api_and_officials_are_refused() => f.RunAsync(async () =>
    {
        var (phone, marker) = await ResidentWritesAsync();
        foreach (var who in new[] { Demo.LienSonOfficer, Demo.ProvinceOfficer })
            foreach (var path in new[] { "/api/admin/residents/export", "/api/admin/residents/erase" })
            {
                using var refused = await PostAsync(who, path, new { address = "sim:" + phone });
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }

        using (var json = await PostAsync(Admin, "/api/admin/residents/export", new { address = "sim:0" + phone[3..] }))
        {
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            var root = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains(root.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString()!.Contains(marker));
            Assert.Contains("nhạy cảm", root.GetProperty("sensitiveNote").GetString());
        }
        using (var csv = await PostAsync(Admin, "/api/admin/residents/export", new { address = "sim:" + phone, format = "csv" }))
        {
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            var text = await csv.Content.ReadAsStringAsync();
            Assert.Contains(marker, text);
            Assert.StartsWith("section,", text);
        }

        using var erase = await PostAsync(Admin, "/api/admin/residents/erase", new { address = "sim:" + phone });
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, phone[3..]));
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));
        Assert.Contains(DatabaseInspector.Rows(f.Gateway.DatabasePath), r => r.Table == "audit_log" && r.Texts.Contains("resident.erase") && r.Texts.Contains("ok"));
        Assert.DoesNotContain(phone[3..], f.Gateway.LogTail(2000));
        using var again = await PostAsync(Admin, "/api/admin/residents/export", new { address = "sim:" + phone });
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    });

    [Fact]
    public Task The_admin_page_erases_with_the_anti_forgery_field_and_officials_see_no_resident_languages() => f.RunAsync(async () =>
    {
        var (phone, marker) = await ResidentWritesAsync();
        using var admin = await BrowserClient.SignedInAsync(f.Gateway, Admin);
        var page = await admin.GetStringAsync("/admin/residents");
        var token = BrowserClient.Token(page);

        using (var forged = await admin.PostAsync("/admin/residents/erase", new FormUrlEncodedContent(new Dictionary<string, string> { ["address"] = "sim:" + phone, ["confirm"] = "yes" })))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotEmpty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));

        using (var export = await admin.PostAsync("/admin/residents/export", new FormUrlEncodedContent(new Dictionary<string, string> { ["_af"] = token, ["address"] = "sim:" + phone, ["format"] = "csv" })))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.Contains(marker, await export.Content.ReadAsStringAsync());
        }
        using (var erased = await admin.PostAsync("/admin/residents/erase", new FormUrlEncodedContent(new Dictionary<string, string> { ["_af"] = token, ["address"] = "sim:" + phone, ["confirm"] = "yes" })))
        {
            Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
            Assert.Contains("id=outcome", await erased.Content.ReadAsStringAsync());
        }
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, marker));
        Assert.Empty(DatabaseInspector.RowsContaining(f.Gateway.DatabasePath, phone[3..]));

        // A commune officer: no residents' page, no residents list, no notices with their per-language reports.
        using var commune = await BrowserClient.SignedInAsync(f.Gateway, Demo.LienSonOfficer);
        foreach (var path in new[] { "/admin/residents", "/residents", "/residents/export", "/notices" })
        {
            using var response = await commune.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path} for a commune officer: {(int)response.StatusCode}");
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/residents/export");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await f.Api.TokenAsync(Demo.LienSonOfficer));
        using var api = await f.Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        using var list = new HttpRequestMessage(HttpMethod.Get, $"/api/communes/{Demo.LienSonCode}/conversations");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await f.Api.TokenAsync(Demo.LienSonOfficer));
        using var listed = await f.Gateway.Http.SendAsync(list);
        Assert.DoesNotContain("\"language\"", (await listed.Content.ReadAsStringAsync()).ToLowerInvariant());
    });
}
