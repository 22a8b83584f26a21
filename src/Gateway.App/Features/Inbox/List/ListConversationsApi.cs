using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Inbox.List;

/// <summary>
/// <c>GET /api/communes/{code}/conversations</c> (a commune's inbox) and <c>GET /api/provinces/{code}/conversations</c>
/// (the whole province, or its triage inbox with <c>triage=true</c>), newest first, paged.
/// </summary>
public static class ListConversationsApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapListConversationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Inbox");

        // status: a conversation status or a tab (overdue, mine, unassigned, escalated); q: tracking code, number or words.
        api.MapGet("/communes/{communeCode}/conversations", async (string communeCode, string? status, string? q, int? page, int? pageSize,
            HttpContext http, CommuneDirectory directory, ConversationAccess access, ConversationStore store, TimeProvider time) =>
        {
            if (directory.FindCommune(communeCode) is null)
                return Results.Problem(statusCode: 404, title: "Unknown commune", detail: $"No commune has code '{communeCode}'.");
            var official = Official.From(http.User)!;
            if (await access.CommuneInboxAsync(official, communeCode) is not { } commune)
                return Results.Problem(statusCode: 403, title: "Not your commune");
            if (BadStatus(status) is { } bad) return bad;
            var rows = await store.ListAsync(new InboxQuery(commune.ProvinceCode, commune.Code, false, status, q, official.Username,
                Math.Clamp(page ?? 1, 1, 100_000), Math.Clamp(pageSize ?? 50, 1, MaxPageSize)));
            return Results.Ok(rows.Select(r => r.ToDto(now: time.GetUtcNow().ToUnixTimeMilliseconds())));
        });

        api.MapGet("/provinces/{provinceCode}/conversations", async (string provinceCode, string? status, string? q, bool? triage, int? page, int? pageSize,
            HttpContext http, ConversationAccess access, ConversationStore store, TimeProvider time) =>
        {
            var official = Official.From(http.User)!;
            if (!await access.ProvinceInboxAsync(official, provinceCode))
                return Results.Problem(statusCode: 403, title: "Not your province");
            if (BadStatus(status) is { } bad) return bad;
            var rows = await store.ListAsync(new InboxQuery(provinceCode, null, triage == true, status, q, official.Username,
                Math.Clamp(page ?? 1, 1, 100_000), Math.Clamp(pageSize ?? 50, 1, MaxPageSize)));
            return Results.Ok(rows.Select(r => r.ToDto(now: time.GetUtcNow().ToUnixTimeMilliseconds())));
        });
        return app;
    }

    private static IResult? BadStatus(string? status) =>
        status is null || InboxTabs.IsTab(status)
            ? null
            : Results.Problem(statusCode: 400, title: "Invalid status filter", detail: $"status must be one of: {string.Join(", ", InboxTabs.All)}.");
}
