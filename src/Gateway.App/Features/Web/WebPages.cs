using Microsoft.AspNetCore.Antiforgery;

namespace Gateway.App.Features.Web;

/// <summary>
/// The web inbox and the simulator phone: server-rendered Vietnamese pages, a few KB each, usable with no
/// script on a slow 2G/3G link and an old phone. Every form carries an anti-forgery token.
/// </summary>
public static class WebPages
{
    public const string AntiforgeryField = "_af";
    public const string AntiforgeryCookie = "gw_af";

    public static IServiceCollection AddWebPages(this IServiceCollection services)
    {
        services.AddAntiforgery(o =>
        {
            o.FormFieldName = AntiforgeryField;
            o.HeaderName = "X-CSRF-Token";
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.SuppressXFrameOptionsHeader = true; // HtmlResult sends DENY itself
        });
        return services;
    }

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => SeeOther("/inbox")).ExcludeFromDescription();
        return app;
    }

    /// <summary>303 after a form post: the browser follows with a GET, so a reload does not post again.</summary>
    public static IResult SeeOther(string url) => new SeeOtherResult(url);

    /// <summary>
    /// The token is checked here, in the handler, after authentication has run: a token is bound to the signed-in
    /// official, and the framework's middleware would run before this app's <c>UseAuthentication</c>.
    /// </summary>
    public static async Task<bool> IsValidPostAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return false;
        return await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
    }

    /// <summary>Only a path of this site: "/inbox?x" yes; "//evil", "/\evil", "https://…" no (open redirect).</summary>
    public static string LocalUrlOr(string? url, string fallback)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/') return fallback;
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\')) return fallback;
        return url.Any(char.IsControl) ? fallback : url;
    }

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = url;
            http.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
    }
}
