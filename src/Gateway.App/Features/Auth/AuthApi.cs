using Gateway.App.Features.Audit;

namespace Gateway.App.Features.Auth;

public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", async (TokenRequest body, Officials officials, Sessions sessions, AuditLog audit) =>
        {
            if (string.IsNullOrWhiteSpace(body.Username) || string.IsNullOrEmpty(body.Password))
                return Results.Problem(statusCode: 400, title: "Missing credentials", detail: "Send JSON {\"username\", \"password\"}.");
            var official = await officials.VerifyAsync(body.Username.Trim(), body.Password);
            if (official is null)
            {
                await audit.WriteAsync(body.Username.Trim(), "auth.token", null, "denied");
                return Results.Problem(statusCode: 401, title: "Wrong username or password");
            }
            await audit.WriteAsync(official.Username, "auth.token", null, "ok");
            return Results.Ok(new { token = await sessions.IssueAsync(official), expiresIn = (int)Sessions.Lifetime.TotalSeconds });
        }).AllowAnonymous().WithTags("Auth");
        return app;
    }
}
