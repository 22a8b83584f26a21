using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Auth;

/// <summary>Accepts <c>Authorization: Bearer …</c> (API) or the <c>gw_session</c> cookie (web UI).</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Sessions sessions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "GatewayToken";
    public const string CookieName = "gw_session";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken() ?? Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token)) return AuthenticateResult.NoResult();
        var official = await sessions.FindAsync(token);
        return official is null
            ? AuthenticateResult.Fail("Unknown or expired token")
            : AuthenticateResult.Success(new AuthenticationTicket(official.ToPrincipal(SchemeName), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // Browsers go to the sign-in page; API clients get a plain 401.
        if (!Request.Path.StartsWithSegments("/api") && HttpMethods.IsGet(Request.Method))
        {
            Response.Redirect("/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));
            return Task.CompletedTask;
        }
        Response.StatusCode = 401;
        return Task.CompletedTask;
    }

    private string? BearerToken()
    {
        var header = Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }
}
