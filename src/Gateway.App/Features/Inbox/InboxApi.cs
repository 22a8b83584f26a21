using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox;

/// <summary>Reading inboxes and changing a conversation's status. Replies live in Features/Replies.</summary>
public static class InboxApi
{
    public sealed record StatusRequest(string? Status);

    public static IEndpointRouteBuilder MapInboxApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Inbox");

        api.MapGet("/communes/{communeCode}/conversations", async (string communeCode, string? status, int? page, int? pageSize,
            HttpContext http, CommuneDirectory directory, InboxQueries queries, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            var commune = directory.FindCommune(communeCode);
            if (commune is null) return Results.Problem(statusCode: 404, title: "Unknown commune", detail: $"No commune has code '{communeCode}'.");
            if (!official.CanAccess(commune.Code, commune.ProvinceCode))
            {
                await audit.WriteAsync(official.Username, "inbox.list", $"commune:{communeCode}", "denied");
                return Results.Problem(statusCode: 403, title: "Not your commune");
            }
            if (BadStatus(status) is { } bad) return bad;
            var rows = await queries.ListAsync(commune.Code, null, status, Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 50, 1, 200));
            return Results.Ok(rows.Select(r => r.ToDto()));
        });

        api.MapGet("/provinces/{provinceCode}/conversations", async (string provinceCode, string? status, bool? triage, int? page, int? pageSize,
            HttpContext http, InboxQueries queries, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (!official.IsProvince || official.ProvinceCode != provinceCode)
            {
                await audit.WriteAsync(official.Username, "inbox.list", $"province:{provinceCode}", "denied");
                return Results.Problem(statusCode: 403, title: "Not your province");
            }
            if (BadStatus(status) is { } bad) return bad;
            var p = Math.Max(1, page ?? 1);
            var size = Math.Clamp(pageSize ?? 50, 1, 200);
            var rows = triage == true
                ? await queries.ListAsync(null, provinceCode, status, p, size)
                : await queries.ListProvinceAsync(provinceCode, status, p, size);
            return Results.Ok(rows.Select(r => r.ToDto()));
        });

        api.MapGet("/conversations/{id:guid}", async (Guid id, HttpContext http, InboxQueries queries, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            var row = await queries.FindAsync(id);
            if (row is null || !official.CanAccess(row.CommuneCode, row.ProvinceCode))
            {
                if (row is not null) await audit.WriteAsync(official.Username, "conversation.read", $"conversation:{id}", "denied");
                return Results.Problem(statusCode: 404, title: "No such conversation");
            }
            var messages = await queries.MessagesAsync(id);
            return Results.Ok(row.ToDto(messages.Select(m => m.ToDto()).ToList()));
        });

        api.MapPost("/conversations/{id:guid}/status", async (Guid id, StatusRequest body, HttpContext http,
            InboxQueries queries, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (string.IsNullOrWhiteSpace(body.Status) || !InboxQueries.Statuses.Contains(body.Status))
                return Results.Problem(statusCode: 400, title: "Invalid status", detail: $"status must be one of: {string.Join(", ", InboxQueries.Statuses)}.");
            var row = await queries.FindAsync(id);
            if (row is null || !official.CanAccess(row.CommuneCode, row.ProvinceCode))
            {
                if (row is not null) await audit.WriteAsync(official.Username, "conversation.status", $"conversation:{id}", "denied", body.Status);
                return Results.Problem(statusCode: 404, title: "No such conversation");
            }
            if (await queries.SetStatusAsync(row, body.Status) == InboxQueries.StatusChange.NewerOpenConversation)
                return Results.Problem(statusCode: 409, title: "The resident has a newer open conversation", detail: "Reply there instead of reopening this one.");
            await audit.WriteAsync(official.Username, "conversation.status", $"conversation:{id}", "ok", body.Status);
            return Results.Ok(new { id, status = body.Status });
        });
        return app;
    }

    private static IResult? BadStatus(string? status) =>
        status is null || InboxQueries.Statuses.Contains(status)
            ? null
            : Results.Problem(statusCode: 400, title: "Invalid status filter", detail: $"status must be one of: {string.Join(", ", InboxQueries.Statuses)}.");
}
