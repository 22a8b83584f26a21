using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Auth;

/// <summary>
/// Accepts <c>Authorization: Bearer …</c> everywhere, and the <c>gw_session</c> cookie on the web pages only: under
/// <c>/api</c> a cookie is ignored, so no page of another site can make a signed-in browser call the API.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Sessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "GatewayToken";
    public const string CookieName = "gw_session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = IsApi(Request) ? BearerToken() : BearerToken() ?? Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
        if (token.Length > 128) return AuthenticateResult.Fail("Malformed token"); // ours are 43 characters
        var official = await sessions.FindAsync(token);
        return official is null
            ? AuthenticateResult.Fail("Unknown or expired token")
            : AuthenticateResult.Success(new AuthenticationTicket(official.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Browsers go to the sign-in page; API clients get a plain 401.
        if (!IsApi(Request) && HttpMethods.IsGet(Request.Method))
        {
            Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
            return Task.CompletedTask;
        }
        Response.StatusCode = 401;
        return Task.CompletedTask;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private string? BearerToken() => BearerToken(Request);

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
