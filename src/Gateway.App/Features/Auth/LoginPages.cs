using Gateway.App.Features.Audit;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Auth;

/// <summary><c>GET/POST /login</c> and <c>POST /logout</c>: the session token lives in the <c>gw_session</c> cookie.</summary>
public static class LoginPages
{
    public static IEndpointRouteBuilder MapLoginPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (string? returnUrl, HttpContext http) =>
        {
            var target = WebPages.LocalUrlOr(returnUrl, "/inbox");
            if (http.User.Identity?.IsAuthenticated == true) return WebPages.SeeOther(target);
            return Form(new WebPage(http), target, "", null, StatusCodes.Status200OK);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async (HttpContext http, Officials officials, Sessions sessions, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (!await WebPages.IsValidPostAsync(http))
            {
                // A sign-in form left open in a second tab after signing in: nothing to do but go on.
                if (page.Official is not null) return WebPages.SeeOther("/inbox");
                return Form(page, "/inbox", "", "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.", StatusCodes.Status400BadRequest);
            }
            var form = http.Request.Form;
            var username = form["username"].ToString().Trim();
            var password = form["password"].ToString();
            var target = WebPages.LocalUrlOr(form["returnUrl"], "/inbox");
            if (username.Length == 0 || password.Length == 0)
                return Form(page, target, username, "Nhập tên đăng nhập và mật khẩu.", StatusCodes.Status400BadRequest);

            var official = await officials.VerifyAsync(username, password);
            if (official is null)
            {
                await audit.WriteAsync(username, "auth.login", null, "denied");
                return Form(page, target, username, "Sai tên đăng nhập hoặc mật khẩu.", StatusCodes.Status401Unauthorized);
            }
            var token = await sessions.IssueAsync(official);
            http.Response.Cookies.Append(TokenAuthenticationHandler.CookieName, token, SessionCookie(http, Sessions.Lifetime));
            await audit.WriteAsync(official.Username, "auth.login", null, "ok");
            return WebPages.SeeOther(target);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/logout", async (HttpContext http, Sessions sessions, AuditLog audit) =>
        {
            var official = Official.From(http.User);
            // An expired session has nothing left to protect: just clear the cookie. A live one needs a real form post.
            if (official is not null)
            {
                if (!await WebPages.IsValidPostAsync(http))
                    return new WebPage(http).Render("Lỗi", H($"<p class=e>Biểu mẫu đã hết hạn. <a href=/inbox>Quay lại</a></p>"), StatusCodes.Status400BadRequest);
                if (http.Request.Cookies[TokenAuthenticationHandler.CookieName] is { Length: > 0 } token)
                    await sessions.RevokeAsync(token);
                await audit.WriteAsync(official.Username, "auth.logout", null, "ok");
            }
            http.Response.Cookies.Delete(TokenAuthenticationHandler.CookieName, SessionCookie(http, null));
            return WebPages.SeeOther("/login");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static CookieOptions SessionCookie(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static IResult Form(WebPage page, string returnUrl, string username, string? error, int status) =>
        page.Render("Đăng nhập", H($"""
            <h1>Đăng nhập</h1>{(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            <form method=post action=/login class=c>{page.Csrf}<input type=hidden name=returnUrl value="{returnUrl}">
            <label for=u>Tên đăng nhập</label><input id=u name=username class=w value="{username}" autocomplete=username autocapitalize=none required autofocus>
            <label for=p>Mật khẩu</label><input id=p name=password type=password class=w autocomplete=current-password required>
            <p><button>Đăng nhập</button></p></form>
            """), status);
}
