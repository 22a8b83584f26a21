using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Inbox.Canned;

/// <summary><c>/api/canned-replies</c>: list, create, edit and delete the official's own (commune's or province's); audited.</summary>
public static class CannedRepliesApi
{
    public sealed record CannedRequest(string? Title, string? Text);

    public static IEndpointRouteBuilder MapCannedRepliesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/canned-replies").RequireAuthorization().WithTags("Inbox");
        api.MapGet("", async (HttpContext http, CannedReplyStore store) =>
            Results.Ok((await store.ListOwnAsync(Official.From(http.User)!)).Select(Dto)));
        api.MapPost("", async (CannedRequest body, HttpContext http, CannedReplyStore store, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (CannedReplyStore.Problem(body.Title, body.Text) is { } problem) return Results.Problem(statusCode: 400, title: "Canned reply refused", detail: problem);
            var created = await store.CreateAsync(official, body.Title!, body.Text!);
            await audit.WriteAsync(official.Username, "canned.create", $"canned:{created.Id}", "ok");
            return Results.Created($"/api/canned-replies/{created.Id}", Dto(created));
        });
        api.MapPut("/{id}", async (string id, CannedRequest body, HttpContext http, CannedReplyStore store, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (CannedReplyStore.Problem(body.Title, body.Text) is { } problem) return Results.Problem(statusCode: 400, title: "Canned reply refused", detail: problem);
            var ok = await store.UpdateAsync(official, id, body.Title!, body.Text!);
            await audit.WriteAsync(official.Username, "canned.update", $"canned:{id}", ok ? "ok" : "denied");
            return ok ? Results.Ok(new { id }) : Results.Problem(statusCode: 404, title: "No such canned reply of yours");
        });
        api.MapDelete("/{id}", async (string id, HttpContext http, CannedReplyStore store, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            var ok = await store.DeleteAsync(official, id);
            await audit.WriteAsync(official.Username, "canned.delete", $"canned:{id}", ok ? "ok" : "denied");
            return ok ? Results.NoContent() : Results.Problem(statusCode: 404, title: "No such canned reply of yours");
        });
        return app;
    }

    private static object Dto(CannedReplyStore.CannedReply r) => new { id = r.Id, title = r.Title, text = r.Text, communeCode = r.CommuneCode, provinceCode = r.ProvinceCode };
}
