using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.App.Features.Accounts;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Web;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// An admin creates officials, disables and enables them, resets passwords and moves them to another commune or
/// province, through <c>/api/admin/officials</c> and the <c>/admin/officials</c> page; everyone else gets 403; every
/// change is audited; an admin reaches no inbox.
/// </summary>
public sealed class AccountAdminTests : IAsyncLifetime
{
    private AuthWebHost _host = null!;
    private string _admin = "";

    public async Task InitializeAsync()
    {
        _host = await AuthWebHost.StartAsync();
        _admin = await _host.TokenAsync(AuthWebHost.Admin);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var response = await _host.SendAsync(method, path, token ?? _admin, body);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? default : JsonDocument.Parse(raw).RootElement.Clone());
    }

    private static object NewCommuneOfficer(string username = "xuanson", string password = "Xuan-Son-Pass-1") =>
        new { username, displayName = "UBND Xã Xuân Sơn", role = "commune", communeCode = "04960", password };

    [Fact]
    public async Task The_admin_creates_an_official_who_can_then_sign_in_with_the_initial_password()
    {
        var (status, created) = await AdminAsync(HttpMethod.Post, AccountsApi.Path, NewCommuneOfficer());
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("25", created.GetProperty("provinceCode").GetString()); // follows from the commune
        Assert.False(created.TryGetProperty("passwordHash", out _));

        var token = await _host.TokenAsync("xuanson", "Xuan-Son-Pass-1");
        using var probe = await _host.SendAsync(HttpMethod.Get, "/api/probe", token);
        var me = await probe.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("04960", me.GetProperty("communeCode").GetString());

        var (list, all) = await AdminAsync(HttpMethod.Get, AccountsApi.Path);
        Assert.Equal(HttpStatusCode.OK, list);
        Assert.Contains(all.EnumerateArray(), o => o.GetProperty("username").GetString() == "xuanson");
        Assert.Equal(HttpStatusCode.Conflict, (await AdminAsync(HttpMethod.Post, AccountsApi.Path, NewCommuneOfficer())).Status);

        var audit = Assert.Single(await _host.AuditAsync("account.create"));
        Assert.Equal((AuthWebHost.Admin, "official:xuanson", "ok"), (audit.Actor, audit.Target, audit.Outcome));
        Assert.DoesNotContain("Xuan-Son-Pass-1", audit.ToString());
        _host.Logs.AssertNowhere("Xuan-Son-Pass-1", "the initial password");
    }

    [Theory]
    [InlineData("Xuanson", "commune", "04960", null, "Xuan-Son-Pass-1", "username")]
    [InlineData("xuanson", "mayor", "04960", null, "Xuan-Son-Pass-1", "role must be one of")]
    [InlineData("xuanson", "commune", null, null, "Xuan-Son-Pass-1", "needs a communeCode")]
    [InlineData("xuanson", "commune", "99999", null, "Xuan-Son-Pass-1", "no commune has code '99999'")]
    [InlineData("xuanson", "commune", "04960", "15", "Xuan-Son-Pass-1", "is in province 25, not 15")]
    [InlineData("xuanson", "province", "04960", "25", "Xuan-Son-Pass-1", "has no communeCode")]
    [InlineData("xuanson", "province", null, "99", "Xuan-Son-Pass-1", "no province has code '99'")]
    [InlineData("xuanson", "admin", null, "25", "Xuan-Son-Pass-1", "an admin has no communeCode or provinceCode")]
    [InlineData("xuanson", "commune", "04960", null, "short", "at least 10 characters")]
    [InlineData("xuanson", "commune", "04960", null, "my-xuanson-pass", "must not contain the username")]
    public async Task A_bad_account_is_refused_with_a_400_naming_the_problem(string username, string role, string? commune, string? province, string password, string problem)
    {
        var (status, body) = await AdminAsync(HttpMethod.Post, AccountsApi.Path,
            new { username, displayName = "Cán bộ", role, communeCode = commune, provinceCode = province, password });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem, body.GetProperty("title").GetString());
        Assert.Empty(await _host.AuditAsync("account.create"));
    }

    [Fact]
    public async Task Officials_who_are_not_admins_are_refused_with_403_and_the_attempt_is_audited()
    {
        var province = await _host.TokenAsync(AuthWebHost.PhuTho);
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminAsync(HttpMethod.Get, AccountsApi.Path, token: province)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminAsync(HttpMethod.Post, AccountsApi.Path, NewCommuneOfficer(), province)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await AdminAsync(HttpMethod.Post, $"{AccountsApi.Path}/lienson/disable", token: province)).Status);
        using (var anonymous = await _host.SendAsync(HttpMethod.Get, AccountsApi.Path, null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(await _host.AuditAsync("account.disable"), a => a.Actor == AuthWebHost.PhuTho && a.Outcome == "denied");
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM officials WHERE username = 'lienson' AND disabled = 0"));
        Assert.Equal(0L, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM officials WHERE username = 'xuanson'"));
    }

    [Fact]
    public async Task The_admin_moves_an_official_to_another_commune_and_their_token_sees_it_at_once()
    {
        var token = await _host.TokenAsync(AuthWebHost.LienSon);
        var (status, moved) = await AdminAsync(HttpMethod.Patch, $"{AccountsApi.Path}/lienson", new { communeCode = "03046" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("15", moved.GetProperty("provinceCode").GetString());
        using (var probe = await _host.SendAsync(HttpMethod.Get, "/api/probe", token))
        {
            var me = await probe.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(("03046", "15"), (me.GetProperty("communeCode").GetString(), me.GetProperty("provinceCode").GetString()));
        }
        var (_, promoted) = await AdminAsync(HttpMethod.Patch, $"{AccountsApi.Path}/lienson", new { role = "province", provinceCode = "15", displayName = "Sở Nội vụ Lào Cai" });
        Assert.Equal(("province", "15", "Sở Nội vụ Lào Cai"), (promoted.GetProperty("role").GetString(), promoted.GetProperty("provinceCode").GetString(), promoted.GetProperty("displayName").GetString()));
        Assert.Equal(JsonValueKind.Null, promoted.GetProperty("communeCode").ValueKind);
        Assert.Equal(2, (await _host.AuditAsync("account.scope")).Count(a => a.Outcome == "ok"));
        Assert.Single(await _host.AuditAsync("account.name"));
        Assert.Equal(HttpStatusCode.NotFound, (await AdminAsync(HttpMethod.Patch, $"{AccountsApi.Path}/nobody", new { communeCode = "03046" })).Status);
    }

    [Fact]
    public async Task The_admin_cannot_lock_themselves_out()
    {
        var (disable, body) = await AdminAsync(HttpMethod.Post, $"{AccountsApi.Path}/admin/disable");
        Assert.Equal(HttpStatusCode.BadRequest, disable);
        Assert.Contains("your own account", body.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminAsync(HttpMethod.Patch, $"{AccountsApi.Path}/admin", new { role = "province", provinceCode = "25" })).Status);
        Assert.Equal(HttpStatusCode.OK, await _host.ProbeAsync(_admin));
    }

    [Fact]
    public void An_admin_reaches_no_inbox()
    {
        var admin = Official.From(new Official("1", "admin", "Quản trị viên", Official.AdminRole, null, "").ToPrincipal("t"))!;
        Assert.True(admin.IsAdmin);
        Assert.False(admin.IsProvince);
        Assert.False(admin.CanAccess("04960", "25"));
        Assert.False(admin.CanAccess(null, "25"));
        Assert.False(admin.CanAccess(null, ""));
    }

    [Fact]
    public async Task The_page_creates_and_disables_an_official_with_plain_forms()
    {
        var (browser, signedIn) = await _host.SignInWithFormAsync(AuthWebHost.Admin);
        Assert.Equal(AccountsPage.Path, signedIn.Headers.Location?.OriginalString); // an admin lands on the accounts page

        var page = await browser.GetStringAsync(AccountsPage.Path);
        Assert.Contains("data-username=\"lienson\"", page);
        var token = AuthWebHost.AntiforgeryToken(page);

        using (var created = await browser.PostAsync(AccountsPage.Path, Form(token, ("username", "banho2"), ("displayName", "UBND Xã Bản Hồ"),
                   ("role", "commune"), ("communeCode", "03046"), ("provinceCode", ""), ("password", "Ban-Ho-Pass-22"))))
        {
            Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
            Assert.Equal($"{AccountsPage.Path}?done=created&u=banho2", created.Headers.Location?.OriginalString);
        }
        Assert.Contains("data-username=\"banho2\" data-role=\"commune\" data-disabled=\"false\"", await browser.GetStringAsync(AccountsPage.Path));

        using (var refused = await browser.PostAsync(AccountsPage.Path, Form(token, ("username", "x"), ("displayName", "X"), ("role", "commune"), ("communeCode", "03046"), ("password", "Ban-Ho-Pass-22"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Tên đăng nhập gồm", await refused.Content.ReadAsStringAsync());
        }
        using (var forged = await browser.PostAsync($"{AccountsPage.Path}/banho2/disable", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode); // no anti-forgery field: nothing done

        using (var disabled = await browser.PostAsync($"{AccountsPage.Path}/banho2/disable", Form(token)))
            Assert.Equal(HttpStatusCode.SeeOther, disabled.StatusCode);
        Assert.Contains("data-username=\"banho2\" data-role=\"commune\" data-disabled=\"true\"", await browser.GetStringAsync(AccountsPage.Path));
        using (var signIn = await _host.TokenResponseAsync("banho2", "Ban-Ho-Pass-22"))
            Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);

        using (var reset = await browser.PostAsync($"{AccountsPage.Path}/banho2/password", Form(token, ("password", "Ban-Ho-Other-33"))))
            Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
        using (var changed = await browser.PostAsync($"{AccountsPage.Path}/banho2/change",
                   Form(token, ("displayName", "UBND Xã Liên Sơn 2"), ("role", "commune"), ("communeCode", "04960"), ("provinceCode", "25"))))
            Assert.Equal(HttpStatusCode.SeeOther, changed.StatusCode);
        Assert.Equal(["account.create", "account.disable", "account.password", "account.name", "account.scope"],
            (await _host.AuditAsync()).Where(a => a.Target == "official:banho2" && a.Outcome == "ok").Select(a => a.Action));

        // A province officer gets 403 on the page, and their post changes nothing.
        var (province, _) = await _host.SignInWithFormAsync(AuthWebHost.PhuTho);
        string provinceToken;
        using (var denied = await province.GetAsync(AccountsPage.Path))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            provinceToken = AuthWebHost.AntiforgeryToken(await denied.Content.ReadAsStringAsync()); // the header's sign-out form
        }
        using (var notAdmin = await province.PostAsync($"{AccountsPage.Path}/lienson/disable", Form(provinceToken)))
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM officials WHERE username = 'lienson' AND disabled = 0"));
    }

    [Fact]
    public async Task The_bootstrap_admin_is_created_once_from_configuration_and_never_overwritten()
    {
        await using var host = await AuthWebHost.StartAsync(new Dictionary<string, string?>
        {
            [AccountBootstrap.UsernameKey] = "quantri", [AccountBootstrap.PasswordKey] = "First-Boot-Pass-1",
        });
        var token = await host.TokenAsync("quantri", "First-Boot-Pass-1");
        using (var list = await host.SendAsync(HttpMethod.Get, AccountsApi.Path, token))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var reset = await host.SendAsync(HttpMethod.Post, $"{AccountsApi.Path}/quantri/password", token, new { password = "Chosen-Later-Pass-2" }))
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);

        await host.Get<AccountBootstrap>().RunAsync(); // the next start, with the setting still in place
        await host.TokenAsync("quantri", "Chosen-Later-Pass-2");
        Assert.Single(await host.AuditAsync("account.create"), a => a.Actor == "bootstrap" && a.Target == "official:quantri");
        host.Logs.AssertNowhere("First-Boot-Pass-1", "the bootstrap password");
    }

    private static FormUrlEncodedContent Form(string token, params (string Key, string Value)[] fields) =>
        new(new[] { new KeyValuePair<string, string>(WebPages.AntiforgeryField, token) }.Concat(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
}
