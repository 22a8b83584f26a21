using Gateway.App.Features.Audit;

namespace Gateway.App.Features.Auth;

/// <summary><c>POST /api/auth/token</c> (sign in, get a bearer token) and <c>POST /api/auth/logout</c> (revoke it).</summary>
public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", async (TokenRequest body, HttpContext http, SignIn signIn, Sessions sessions) =>
        {
            var result = await signIn.AttemptAsync(body.Username, body.Password, http, "api");
            return result.Outcome switch
            {
                SignIn.Outcome.Ok => Results.Ok(new
                {
                    token = result.Token,
                    expiresIn = (int)sessions.AbsoluteLifetime.TotalSeconds,
                    idleTimeout = (int)sessions.IdleTimeout.TotalSeconds,
                }),
                SignIn.Outcome.Missing => Results.Problem(statusCode: 400, title: "Missing credentials", detail: "Send JSON {\"username\", \"password\"}."),
                SignIn.Outcome.TooLong => Results.Problem(statusCode: 400, title: "Credentials too long",
                    detail: $"A username has at most {SignIn.MaxUsernameLength} characters, a password at most {SignIn.MaxPasswordLength}."),
                SignIn.Outcome.Throttled => TooManyAttempts(http, result.RetryAfterSeconds),
                SignIn.Outcome.Disabled => Results.Problem(statusCode: 403, title: "Account disabled", detail: "Ask an administrator to enable it."),
                _ => Results.Problem(statusCode: 401, title: "Wrong username or password"),
            };
        }).AllowAnonymous().WithTags("Auth");

        // Bearer only (the handler ignores the cookie under /api): a client ends its own token.
        app.MapPost("/api/auth/logout", async (HttpContext http, Sessions sessions, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (TokenAuthenticationHandler.BearerToken(http.Request) is { } token) await sessions.RevokeAsync(token);
            await audit.WriteAsync(official.Username, "auth.logout", null, "ok", "api");
            return Results.NoContent();
        }).RequireAuthorization().WithTags("Auth");
        return app;
    }

    private static IResult TooManyAttempts(HttpContext http, int retryAfterSeconds)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: 429, title: "Too many failed sign-ins", detail: $"Try again in {retryAfterSeconds} s.");
    }
}
