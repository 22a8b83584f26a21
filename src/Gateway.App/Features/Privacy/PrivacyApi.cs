using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// <c>/api/admin/residents</c>, admins only (anyone else: 403, audited). The address travels in the JSON body, never in
/// the URL, so it cannot land in an access log:
/// <c>POST /export</c> <c>{"address": "0912345678", "format": "json" | "csv"}</c> answers the file;
/// <c>POST /erase</c> <c>{"address": …}</c> answers what was anonymised.
/// </summary>
public static class PrivacyApi
{
    public const string Path = "/api/admin/residents";

    public sealed record AddressRequest(string? Address, string? Format);

    public static IEndpointRouteBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Path).RequireAuthorization().WithTags("Residents' personal data");

        api.MapPost("/export", async (AddressRequest body, HttpContext http, ResidentRequests requests) =>
        {
            var official = Official.From(http.User)!;
            if (await requests.RefuseUnlessAdminAsync(official, "resident.export") is { } refused) return Answer(refused);
            var (export, problem) = await requests.ExportAsync(official, body.Address, body.Format ?? http.Request.Query["format"].ToString(), http.RequestAborted);
            if (problem is not null) return Answer(problem);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(export!.Body, export.ContentType, export.FileName);
        }).Produces(StatusCodes.Status200OK, contentType: "application/json");

        api.MapPost("/erase", async (AddressRequest body, HttpContext http, ResidentRequests requests) =>
        {
            var official = Official.From(http.User)!;
            if (await requests.RefuseUnlessAdminAsync(official, "resident.erase") is { } refused) return Answer(refused);
            var (outcome, problem) = await requests.EraseAsync(official, body.Address, http.RequestAborted);
            return problem is not null ? Answer(problem) : Results.Ok(outcome);
        }).Produces<ResidentErasure.Outcome>();

        return app;
    }

    private static IResult Answer(ResidentRequests.Problem p) => Results.Problem(statusCode: p.Status, title: p.Title);
}
