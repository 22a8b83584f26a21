using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Every inbox endpoint and page × every role (commune officer, province officer, admin, signed out) × a conversation
/// of their own commune, of another commune of the province, and of another province: as a table, against the real
/// process. A conversation outside one's scope is a 404 (its existence is not revealed), a list outside it a 403,
/// signed out a 401 (API) or the sign-in page (pages).
/// </summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class AuthorizationMatrixTests(InMemoryGatewayFixture f)
{
    private const string OtherCommune = "04792"; // Phường Tân Hoà, Phú Thọ
    private const string Admin = "quantri", SignedOut = "(signed out)";
    private enum Scope { LienSon, OtherCommuneOfProvince, OtherProvince }

    /// <summary>Who may see a conversation of each scope.</summary>
    private static bool Sees(string who, Scope scope) => (who, scope) switch
    {
        (Demo.LienSonOfficer, Scope.LienSon) => true,
        (Demo.ProvinceOfficer, Scope.LienSon or Scope.OtherCommuneOfProvince) => true,
        (Demo.BanHoOfficer, Scope.OtherProvince) => true,
        _ => false,
    };

    private static readonly string[] Roles = [Demo.LienSonOfficer, Demo.ProvinceOfficer, Admin, Demo.BanHoOfficer, SignedOut];

    /// <summary>The conversation endpoints: method, path template and JSON body (null: none).</summary>
    private static readonly (string Name, HttpMethod Method, string Path, object? Body)[] ConversationApi =
    [
        ("read", HttpMethod.Get, "/api/conversations/{id}", null),
        ("reply", HttpMethod.Post, "/api/conversations/{id}/replies", new { text = "Trả lời kiểm tra quyền" }),
        ("status", HttpMethod.Post, "/api/conversations/{id}/status", new { status = "pending" }),
        ("take", HttpMethod.Post, "/api/conversations/{id}/take", new { }),
        ("category", HttpMethod.Post, "/api/conversations/{id}/category", new { category = "other" }),
        ("note", HttpMethod.Post, "/api/conversations/{id}/notes", new { text = "ghi chú" }),
        ("escalate", HttpMethod.Post, "/api/conversations/{id}/escalate", new { note = "kiểm tra" }),
    ];

    private async Task<Dictionary<Scope, string>> ConversationsAsync()
    {
        var ids = new Dictionary<Scope, string>();
        foreach (var (scope, commune, reader) in new[] { (Scope.LienSon, Demo.LienSonCode, Demo.ProvinceOfficer), (Scope.OtherCommuneOfProvince, OtherCommune, Demo.ProvinceOfficer), (Scope.OtherProvince, Demo.BanHoCode, Demo.BanHoOfficer) })
        {
            var phone = Demo.NewResidentPhone();
            var marker = Flows.Marker();
            foreach (var text in new[] { $"DK {commune}", $"Câu hỏi kiểm tra quyền ({marker})" })
            {
                using var sent = await f.Gateway.Http.PostAsJsonAsync("/api/simulator/messages", new { from = "0" + phone[3..], text });
                Assert.True(sent.IsSuccessStatusCode, $"simulator: {(int)sent.StatusCode}");
            }
            ids[scope] = (await Flows.WaitForConversationAsync(f, commune, reader, marker)).Id;
        }
        return ids;
    }

    private async Task<HttpStatusCode> ApiAsync(string who, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (who != SignedOut) request.Headers.Authorization = new("Bearer", await f.Api.TokenAsync(who));
        using var response = await f.Gateway.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public Task Every_endpoint_and_page_answers_each_role_by_scope() => f.RunAsync(async () =>
    {
        var ids = await ConversationsAsync();
        var wrong = new List<string>();
        void Check(string what, HttpStatusCode actual, params HttpStatusCode[] expected)
        {
            if (!expected.Contains(actual)) wrong.Add($"{what}: {(int)actual}, expected {string.Join(" or ", expected.Select(e => (int)e))}");
        }

        foreach (var who in Roles)
        foreach (var (scope, id) in ids)
        {
            foreach (var (name, method, path, body) in ConversationApi)
            {
                var status = await ApiAsync(who, method, path.Replace("{id}", id), body);
                var what = $"API {name} {scope} as {who}";
                if (who == SignedOut) Check(what, status, HttpStatusCode.Unauthorized);
                // Escalating twice, or the triage inbox, is a 409 but still inside the scope.
                else if (Sees(who, scope)) Check(what, status, HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Conflict);
                else Check(what, status, HttpStatusCode.NotFound);
            }
        }

        // Lists: a commune's inbox and a province's.
        var communes = new Dictionary<Scope, string> { [Scope.LienSon] = Demo.LienSonCode, [Scope.OtherCommuneOfProvince] = OtherCommune, [Scope.OtherProvince] = Demo.BanHoCode };
        foreach (var who in Roles)
        {
            foreach (var (scope, code) in communes)
            {
                var status = await ApiAsync(who, HttpMethod.Get, $"/api/communes/{code}/conversations", null);
                Check($"API list commune {scope} as {who}", status, who == SignedOut ? HttpStatusCode.Unauthorized : Sees(who, scope) ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            }
            foreach (var (province, mine) in new[] { ("25", who == Demo.ProvinceOfficer), ("15", false) })
            {
                Check($"API list province {province} as {who}", await ApiAsync(who, HttpMethod.Get, $"/api/provinces/{province}/conversations", null),
                    who == SignedOut ? HttpStatusCode.Unauthorized : mine ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
                Check($"API dashboard {province} as {who}", await ApiAsync(who, HttpMethod.Get, $"/api/provinces/{province}/dashboard", null),
                    who == SignedOut ? HttpStatusCode.Unauthorized : mine ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            }
            Check($"API admin officials as {who}", await ApiAsync(who, HttpMethod.Get, "/api/admin/officials", null),
                who == SignedOut ? HttpStatusCode.Unauthorized : who == Admin ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
        }

        // Pages, with the session cookie.
        foreach (var who in Roles)
        {
            using var browser = who == SignedOut
                ? new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = f.Gateway.BaseUrl }
                : await BrowserClient.SignedInAsync(f.Gateway, who);
            foreach (var (scope, id) in ids)
            {
                using var page = await browser.GetAsync($"/conversations/{id}");
                var what = $"page conversation {scope} as {who}";
                if (who == SignedOut) Check(what, page.StatusCode, HttpStatusCode.Redirect, HttpStatusCode.Found, HttpStatusCode.SeeOther);
                else Check(what, page.StatusCode, Sees(who, scope) ? HttpStatusCode.OK : HttpStatusCode.NotFound);
            }
            foreach (var (path, allowed) in new[] { ("/oversight", who == Demo.ProvinceOfficer), ("/audit", who is Demo.ProvinceOfficer or Admin), ("/notices", who == Demo.ProvinceOfficer), ("/channels", who == Demo.ProvinceOfficer), ("/admin/officials", who == Admin) })
            {
                using var page = await browser.GetAsync(path);
                var what = $"page {path} as {who}";
                if (who == SignedOut) Check(what, page.StatusCode, HttpStatusCode.Redirect, HttpStatusCode.Found, HttpStatusCode.SeeOther);
                else Check(what, page.StatusCode, allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden);
            }
            if (who != SignedOut)
            {
                using var other = await browser.GetAsync($"/inbox?commune={Demo.BanHoCode}");
                Check($"page inbox of Bản Hồ as {who}", other.StatusCode, who == Demo.BanHoOfficer ? HttpStatusCode.OK : who == Admin ? HttpStatusCode.SeeOther : who == Demo.ProvinceOfficer ? HttpStatusCode.Forbidden : HttpStatusCode.OK);
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} answers out of the access rule:\n" + string.Join("\n", wrong));
    });
}
