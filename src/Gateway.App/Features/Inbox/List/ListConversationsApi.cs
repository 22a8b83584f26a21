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

        api.MapGet("/communes/{communeCode}/conversations", async (string communeCode, string? status, int? page, int? pageSize,
            HttpContext http, CommuneDirectory directory, ConversationAccess access, ConversationStore store) =>
        {
            if (directory.FindCommune(communeCode) is null)
                return Results.Problem(statusCode: 404, title: "Unknown commune", detail: $"No commune has code '{communeCode}'.");
            if (await access.CommuneInboxAsync(Official.From(http.User)!, communeCode) is not { } commune)
                return Results.Problem(statusCode: 403, title: "Not your commune");
            if (BadStatus(status) is { } bad) return bad;
            var rows = await store.ListAsync(commune.Code, null, status, Math.Max(1, page ?? 1), Math.Clamp(pageSize ?? 50, 1, MaxPageSize));
            return Results.Ok(rows.Select(r => r.ToDto()));
        });

        api.MapGet("/provinces/{provinceCode}/conversations", async (string provinceCode, string? status, bool? triage, int? page, int? pageSize,
            HttpContext http, ConversationAccess access, ConversationStore store) =>
        {
            if (!await access.ProvinceInboxAsync(Official.From(http.User)!, provinceCode))
                return Results.Problem(statusCode: 403, title: "Not your province");
            if (BadStatus(status) is { } bad) return bad;
            var p = Math.Max(1, page ?? 1);
            var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
            var rows = triage == true
                ? await store.ListAsync(null, provinceCode, status, p, size)
                : await store.ListProvinceAsync(provinceCode, status, p, size);
            return Results.Ok(rows.Select(r => r.ToDto()));
        });
        return app;
    }

    private static IResult? BadStatus(string? status) =>
        status is null || ConversationStatus.All.Contains(status)
            ? null
            : Results.Problem(statusCode: 400, title: "Invalid status filter", detail: $"status must be one of: {string.Join(", ", ConversationStatus.All)}.");
}
