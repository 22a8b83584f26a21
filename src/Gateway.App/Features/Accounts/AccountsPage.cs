using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Accounts;

/// <summary>
/// <c>/admin/officials</c>: the admin's page, plain forms that work with no script. Each action posts to its own
/// path with the anti-forgery field and comes back here (303) with what was done.
/// </summary>
public static class AccountsPage
{
    public const string Path = "/admin/officials";

    private static readonly Dictionary<string, string> Done = new()
    {
        ["created"] = "Đã tạo tài khoản",
        ["disabled"] = "Đã khoá tài khoản (mọi phiên đăng nhập đã kết thúc)",
        ["enabled"] = "Đã mở khoá tài khoản",
        ["password"] = "Đã đặt lại mật khẩu (mọi phiên đăng nhập đã kết thúc)",
        ["changed"] = "Đã lưu thay đổi của tài khoản",
    };

    public static IEndpointRouteBuilder MapAccountsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (string? done, string? u, HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsAdmin) return await DeniedAsync(page, audit, "account.list", null);
            var note = done is not null && Done.TryGetValue(done, out var what) ? H($"<p class=ok id=outcome role=status>{what}: <b>{u ?? ""}</b>.</p>") : Raw.Empty;
            return await RenderAsync(page, admin, directory, note, null, StatusCodes.Status200OK);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost(Path, (HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
            PostAsync(http, admin, directory, audit, "account.create", null, "created", async (actor, form) =>
            {
                var draft = new AccountAdmin.NewAccount(form["username"], form["displayName"], form["role"], form["communeCode"], form["provinceCode"], form["password"]);
                return (await admin.CreateAsync(actor, draft), draft with { Password = null });
            })).ExcludeFromDescription();

        app.MapPost(Path + "/{username}/disable", (string username, HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
            PostAsync(http, admin, directory, audit, "account.disable", username, "disabled", async (actor, _) =>
                (await admin.SetDisabledAsync(actor, username, true), null))).ExcludeFromDescription();

        app.MapPost(Path + "/{username}/enable", (string username, HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
            PostAsync(http, admin, directory, audit, "account.enable", username, "enabled", async (actor, _) =>
                (await admin.SetDisabledAsync(actor, username, false), null))).ExcludeFromDescription();

        app.MapPost(Path + "/{username}/password", (string username, HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
            PostAsync(http, admin, directory, audit, "account.password", username, "password", async (actor, form) =>
                (await admin.SetPasswordAsync(actor, username, form["password"]), null))).ExcludeFromDescription();

        app.MapPost(Path + "/{username}/change", (string username, HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit) =>
            PostAsync(http, admin, directory, audit, "account.scope", username, "changed", async (actor, form) =>
            {
                // The form always sends every field: an empty commune or province means none.
                var change = new AccountAdmin.Change(form["displayName"], form["role"], form["communeCode"].ToString(), form["provinceCode"].ToString());
                return (await admin.ChangeAsync(actor, username, change), null);
            })).ExcludeFromDescription();

        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext http, AccountAdmin admin, CommuneDirectory directory, AuditLog audit,
        string action, string? target, string done, Func<Official, IFormCollection, Task<(AccountAdmin.Outcome Outcome, AccountAdmin.NewAccount? Draft)>> work)
    {
        var page = new WebPage(http);
        if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=" + Q(Path));
        if (!page.Official.IsAdmin) return await DeniedAsync(page, audit, action, target);
        if (!await WebPages.IsValidPostAsync(http))
            return await RenderAsync(page, admin, directory, Error("Biểu mẫu đã hết hạn. Vui lòng thử lại."), null, StatusCodes.Status400BadRequest);
        var (outcome, draft) = await work(page.Official, http.Request.Form);
        if (outcome.Problem is { } problem)
            return await RenderAsync(page, admin, directory, Error(problem.Vietnamese), draft, problem.Status);
        return WebPages.SeeOther($"{Path}?done={done}&u={Q(outcome.Account!.Username)}");
    }

    private static async Task<IResult> DeniedAsync(WebPage page, AuditLog audit, string action, string? target)
    {
        await audit.WriteAsync(page.Official!.Username, action, target is null ? null : $"official:{(target.Length > 64 ? target[..64] : target)}", "denied");
        return page.Render("Không có quyền", H($"<p class=e>Chỉ quản trị viên được quản lý tài khoản. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
    }

    private static Raw Error(string message) => H($"<p class=e id=outcome role=alert>{message}</p>");

    private static async Task<IResult> RenderAsync(WebPage page, AccountAdmin admin, CommuneDirectory directory, Raw note, AccountAdmin.NewAccount? draft, int status)
    {
        var accounts = await admin.ListAsync();
        var rows = Join(accounts.Select(a => Account(page, directory, a)));
        var d = draft ?? new AccountAdmin.NewAccount(null, null, Official.CommuneRole, null, null, null);
        return page.Render("Tài khoản cán bộ", H($"""
            <h1>Tài khoản cán bộ</h1>{note}
            <p class=m>Quản trị viên tạo, khoá và đặt lại mật khẩu tài khoản; quản trị viên không đọc hộp thư của xã hay tỉnh nào.</p>
            <div id=officials>{rows}</div>
            <h1>Thêm tài khoản</h1>
            <form method=post action={Path} class=c id=create>{page.Csrf}
            <label for=nu>Tên đăng nhập</label><input id=nu name=username class=w value="{d.Username ?? ""}" maxlength=64 autocapitalize=none required>
            <label for=nd>Tên hiển thị</label><input id=nd name=displayName class=w value="{d.DisplayName ?? ""}" maxlength=100 required>
            {Scope("n", d.Role, d.CommuneCode, d.ProvinceCode)}
            <label for=np>Mật khẩu ban đầu (ít nhất {AccountRules.MinPasswordLength} ký tự)</label><input id=np name=password type=password class=w minlength={AccountRules.MinPasswordLength} autocomplete=new-password required>
            <p><button>Tạo tài khoản</button></p></form>
            """), status);
    }

    private static Raw Account(WebPage page, CommuneDirectory directory, Officials.OfficialRow a)
    {
        var u = Q(a.Username);
        var scope = a.Role switch
        {
            Official.CommuneRole => $"{directory.FindCommune(a.CommuneCode ?? "")?.Name ?? a.CommuneCode} ({a.CommuneCode}, tỉnh {a.ProvinceCode})",
            Official.ProvinceRole => $"{directory.FindProvince(a.ProvinceCode)?.Name ?? a.ProvinceCode} ({a.ProvinceCode})",
            _ => "không gắn với hộp thư nào",
        };
        var toggle = a.Disabled
            ? H($"<form method=post action={Path}/{u}/enable>{page.Csrf}<button class=s>Mở khoá</button></form>")
            : H($"<form method=post action={Path}/{u}/disable>{page.Csrf}<button class=s>Khoá tài khoản</button></form>");
        return H($"""
            <div class=c id="official-{a.Username}" data-username="{a.Username}" data-role="{a.Role}" data-disabled="{(a.Disabled ? "true" : "false")}">
            <div class=row><b>{a.DisplayName}</b> <span class=m>{a.Username}</span> <span class=b>{RoleName(a.Role)}</span>{(a.Disabled ? H($" <span class=\"b failed\">Đã khoá</span>") : Raw.Empty)}</div>
            <p class=m>{scope}</p>
            {toggle}
            <details><summary>Đặt lại mật khẩu</summary><form method=post action={Path}/{u}/password>{page.Csrf}
            <label for="p-{a.Username}">Mật khẩu mới</label><input id="p-{a.Username}" name=password type=password class=w minlength={AccountRules.MinPasswordLength} autocomplete=new-password required>
            <button>Đặt lại</button></form></details>
            <details><summary>Đổi tên, vai trò, xã hoặc tỉnh</summary><form method=post action={Path}/{u}/change>{page.Csrf}
            <label for="d-{a.Username}">Tên hiển thị</label><input id="d-{a.Username}" name=displayName class=w value="{a.DisplayName}" maxlength=100 required>
            {Scope(a.Username, a.Role, a.CommuneCode, a.ProvinceCode.Length == 0 ? null : a.ProvinceCode)}
            <button>Lưu</button></form></details>
            </div>
            """);
    }

    /// <summary>Role, commune code and province code: a commune officer needs the commune, a province officer the province.</summary>
    private static Raw Scope(string id, string? role, string? commune, string? province)
    {
        var options = Join(Official.Roles.Select(r => H($"<option value={r}{(r == role ? new Raw(" selected") : Raw.Empty)}>{RoleName(r)}</option>")));
        return H($"""
            <label for="r-{id}">Vai trò</label><select id="r-{id}" name=role>{options}</select>
            <label for="c-{id}">Mã xã (cán bộ xã)</label><input id="c-{id}" name=communeCode value="{commune ?? ""}" maxlength=10 inputmode=numeric>
            <label for="v-{id}">Mã tỉnh (cán bộ tỉnh)</label><input id="v-{id}" name=provinceCode value="{province ?? ""}" maxlength=10 inputmode=numeric>
            """);
    }

    private static string RoleName(string role) => role switch
    {
        Official.CommuneRole => "Cán bộ xã",
        Official.ProvinceRole => "Cán bộ tỉnh",
        Official.AdminRole => "Quản trị viên",
        _ => role,
    };
}
