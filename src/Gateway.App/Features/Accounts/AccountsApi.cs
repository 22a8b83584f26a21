using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Accounts;

/// <summary>
/// <c>/api/admin/officials</c>, for admins only (anyone else: 403, audited):
/// <c>GET</c> list, <c>GET /{username}</c>, <c>POST</c> create, <c>PATCH /{username}</c> display name and scope,
/// <c>POST /{username}/disable</c>, <c>/enable</c>, <c>/password</c>.
/// </summary>
public static class AccountsApi
{
    public const string Path = "/api/admin/officials";

    public sealed record PasswordRequest(string? Password);

    /// <summary>What the API shows of an account: never the hash, never the session version.</summary>
    public sealed record AccountView(string Id, string Username, string DisplayName, string Role, string? CommuneCode, string? ProvinceCode,
        bool Disabled, DateTimeOffset CreatedAt);

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).RequireAuthorization().WithTags("Accounts");

        api.MapGet("", async (HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.list", null, async _ => Results.Ok((await admin.ListAsync()).Select(View))));

        api.MapGet("/{username}", async (string username, HttpContext http, AccountAdmin admin, Officials officials, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.read", username, async _ =>
                username.Length <= SignIn.MaxUsernameLength && await officials.FindAsync(username.ToLowerInvariant()) is { } row
                    ? Results.Ok(View(row))
                    : Results.Problem(statusCode: 404, title: "no such official")));

        api.MapPost("", async (AccountAdmin.NewAccount body, HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.create", body.Username, async actor =>
            {
                var outcome = await admin.CreateAsync(actor, body);
                return outcome.Problem is not null ? Problem(outcome.Problem) : Results.Created($"{Path}/{outcome.Account!.Username}", View(outcome.Account));
            }));

        api.MapPatch("/{username}", async (string username, AccountAdmin.Change body, HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.scope", username, async actor => Answer(await admin.ChangeAsync(actor, username, body))));

        api.MapPost("/{username}/disable", async (string username, HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.disable", username, async actor => Answer(await admin.SetDisabledAsync(actor, username, true))));

        api.MapPost("/{username}/enable", async (string username, HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.enable", username, async actor => Answer(await admin.SetDisabledAsync(actor, username, false))));

        api.MapPost("/{username}/password", async (string username, PasswordRequest body, HttpContext http, AccountAdmin admin, AuditLog audit) =>
            await AsAdminAsync(http, audit, "account.password", username, async actor => Answer(await admin.SetPasswordAsync(actor, username, body.Password))));

        return app;
    }

    /// <summary>Admins go on; anyone else is refused with 403 and an audit row naming what they tried.</summary>
    private static async Task<IResult> AsAdminAsync(HttpContext http, AuditLog audit, string action, string? target, Func<Official, Task<IResult>> work)
    {
        var official = Official.From(http.User)!;
        if (official.IsAdmin) return await work(official);
        await audit.WriteAsync(official.Username, action, target is null ? null : $"official:{Truncate(target)}", "denied");
        return Results.Problem(statusCode: 403, title: "Admins only", detail: "Managing accounts needs the admin role.");
    }

    private static IResult Answer(AccountAdmin.Outcome outcome) => outcome.Problem is not null ? Problem(outcome.Problem) : Results.Ok(View(outcome.Account!));

    private static IResult Problem(AccountProblem p) => Results.Problem(statusCode: p.Status, title: p.Title);

    private static AccountView View(Officials.OfficialRow r) => new(r.Id, r.Username, r.DisplayName, r.Role, r.CommuneCode,
        r.ProvinceCode.Length == 0 ? null : r.ProvinceCode, r.Disabled, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt));

    private static string Truncate(string s) => s.Length <= SignIn.MaxUsernameLength ? s : s[..SignIn.MaxUsernameLength];
}
