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
            if (Official.From(http.User) is { } official) return WebPages.SeeOther(Landing(official, target));
            return Form(new WebPage(http), target, "", null, StatusCodes.Status200OK);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async (HttpContext http, SignIn signIn, Sessions sessions) =>
        {
            var page = new WebPage(http);
            if (!await WebPages.IsValidPostAsync(http))
            {
                // A sign-in form left open in a second tab after signing in: nothing to do but go on.
                if (page.Official is not null) return WebPages.SeeOther(Landing(page.Official, "/inbox"));
                return Form(page, "/inbox", "", "Biểu mẫu đã hết hạn. Vui lòng đăng nhập lại.", StatusCodes.Status400BadRequest);
            }
            var form = http.Request.Form;
            var username = form["username"].ToString().Trim();
            var target = WebPages.LocalUrlOr(form["returnUrl"], "/inbox");
            // An over-long name is not even shown back: it may be a password typed in the wrong field.
            var shown = username.Length > SignIn.MaxUsernameLength ? "" : username;

            var result = await signIn.AttemptAsync(username, form["password"].ToString(), http, "web");
            switch (result.Outcome)
            {
                case SignIn.Outcome.Ok:
                    http.Response.Cookies.Append(TokenAuthenticationHandler.CookieName, result.Token!, SessionCookie(http, sessions.AbsoluteLifetime));
                    return WebPages.SeeOther(Landing(result.Official!, target));
                case SignIn.Outcome.Missing:
                    return Form(page, target, shown, "Nhập tên đăng nhập và mật khẩu.", StatusCodes.Status400BadRequest);
                case SignIn.Outcome.TooLong:
                    return Form(page, target, shown, $"Tên đăng nhập tối đa {SignIn.MaxUsernameLength} ký tự.", StatusCodes.Status400BadRequest);
                case SignIn.Outcome.Throttled:
                    http.Response.Headers.RetryAfter = result.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Form(page, target, shown, $"Đăng nhập sai nhiều lần. Vui lòng thử lại sau {Wait(result.RetryAfterSeconds)}.", StatusCodes.Status429TooManyRequests);
                case SignIn.Outcome.Disabled:
                    return Form(page, target, shown, "Tài khoản đã bị khoá. Liên hệ quản trị viên.", StatusCodes.Status403Forbidden);
                default:
                    return Form(page, target, shown, "Sai tên đăng nhập hoặc mật khẩu.", StatusCodes.Status401Unauthorized);
            }
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

    /// <summary>An admin manages accounts and has no inbox: their default page is the accounts page.</summary>
    private static string Landing(Official official, string target) =>
        official.IsAdmin && target == "/inbox" ? Accounts.AccountsPage.Path : target;

    private static string Wait(int seconds) => seconds < 90 ? $"{seconds} giây" : $"{(seconds + 59) / 60} phút";

    /// <summary>
    /// HttpOnly (no script reads it), SameSite=Strict (no other site's page or link sends it), Secure whenever the
    /// request came over HTTPS, directly or through the known TLS proxy (forwarded headers, see TransportSecurity).
    /// </summary>
    private static CookieOptions SessionCookie(HttpContext http, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
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
