using System.Text.Json;
using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>
/// Province broadcasts: create (pending approval), preview, approve by a second officer, pause / resume /
/// cancel, status with live counts, and the per commune × language × channel report. Province officers only,
/// and only their own province's broadcasts. Every action is audited.
/// </summary>
public static class BroadcastsApi
{
    public static IEndpointRouteBuilder MapBroadcastsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/broadcasts").RequireAuthorization().WithTags("Broadcasts");

        api.MapPost("", async (CreateBroadcastRequest body, HttpContext http, CreateBroadcast create) =>
        {
            if (ProvinceOfficer(http) is not { } official) return NotProvince();
            var check = await create.CheckAsync(body, official);
            if (check.Problem is not null) return Results.Problem(statusCode: 400, title: "Broadcast refused", detail: check.Problem);
            var row = await create.CreateAsync(check, body, official);
            return Results.Created($"/api/broadcasts/{row.Id}", new { id = row.Id, status = row.Status });
        });

        api.MapPost("/preview", async (CreateBroadcastRequest body, HttpContext http, CreateBroadcast create, BroadcastPreview preview) =>
        {
            if (ProvinceOfficer(http) is not { } official) return NotProvince();
            var check = await create.CheckAsync(body, official);
            if (check.Problem is not null) return Results.Problem(statusCode: 400, title: "Broadcast refused", detail: check.Problem);
            return Results.Ok(await preview.ComputeAsync(check.Template, check.Values, check.Audience, official.ProvinceCode));
        });

        api.MapGet("", async (string? status, HttpContext http, BroadcastStore store) =>
        {
            if (ProvinceOfficer(http) is not { } official) return NotProvince();
            if (status is not null && !BroadcastStatus.All.Contains(status))
                return Results.Problem(statusCode: 400, title: "Unknown status", detail: $"status is one of {string.Join(", ", BroadcastStatus.All)}.");
            var rows = await store.ListAsync(official.ProvinceCode, status);
            var list = new List<BroadcastDto>(rows.Count);
            foreach (var r in rows) list.Add(r.ToDto(await store.CountsAsync(r.Id, r.Run)));
            return Results.Ok(list);
        });

        api.MapGet("/{id:guid}", async (Guid id, HttpContext http, BroadcastStore store, AuditLog audit) =>
            await WithBroadcastAsync(http, store, audit, id, "broadcast.view", async (_, b) => Results.Ok(b.ToDto(await store.CountsAsync(b.Id, b.Run)))));

        api.MapGet("/{id:guid}/preview", async (Guid id, HttpContext http, BroadcastStore store, AuditLog audit, TemplateStore templates, BroadcastPreview preview) =>
            await WithBroadcastAsync(http, store, audit, id, "broadcast.preview", async (_, b) =>
            {
                var template = await templates.FindAsync(b.TemplateKey);
                if (template is null) return Results.Problem(statusCode: 409, title: "Template gone", detail: $"Template '{b.TemplateKey}' no longer exists.");
                return Results.Ok(await preview.ComputeAsync(template, b.VariableValues, b.AudienceValue, b.ProvinceCode));
            }));

        api.MapGet("/{id:guid}/report", async (Guid id, string? format, HttpContext http, BroadcastStore store, AuditLog audit, BroadcastReport report) =>
            await WithBroadcastAsync(http, store, audit, id, "broadcast.report", async (_, b) =>
            {
                var dto = await report.BuildAsync(b);
                return format == "csv"
                    ? Results.Text(BroadcastReport.ToCsv(dto), "text/csv; charset=utf-8")
                    : Results.Ok(dto);
            }));

        api.MapPost("/{id:guid}/approve", (Guid id, HttpContext http, BroadcastStore store, AuditLog audit, BroadcastActions actions) =>
            WithBroadcastAsync(http, store, audit, id, "broadcast.approve", actions.ApproveAsync));
        api.MapPost("/{id:guid}/pause", (Guid id, HttpContext http, BroadcastStore store, AuditLog audit, BroadcastActions actions) =>
            WithBroadcastAsync(http, store, audit, id, "broadcast.pause", actions.PauseAsync));
        api.MapPost("/{id:guid}/resume", (Guid id, HttpContext http, BroadcastStore store, AuditLog audit, BroadcastActions actions) =>
            WithBroadcastAsync(http, store, audit, id, "broadcast.resume", actions.ResumeAsync));
        api.MapPost("/{id:guid}/cancel", (Guid id, HttpContext http, BroadcastStore store, AuditLog audit, BroadcastActions actions) =>
            WithBroadcastAsync(http, store, audit, id, "broadcast.cancel", actions.CancelAsync));
        return app;
    }

    internal static Official? ProvinceOfficer(HttpContext http) => Official.From(http.User) is { IsProvince: true } o ? o : null;

    private static IResult NotProvince() =>
        Results.Problem(statusCode: 403, title: "Province officers only", detail: "Broadcasts are created and approved by province officers.");

    /// <summary>Loads the broadcast and checks it is the officer's province (another province's is a 404, audited).</summary>
    private static async Task<IResult> WithBroadcastAsync(HttpContext http, BroadcastStore store, AuditLog audit, Guid id, string action,
        Func<Official, BroadcastRow, Task<IResult>> then)
    {
        var official = Official.From(http.User)!;
        var b = await store.FindAsync(id.ToString());
        if (!official.IsProvince || b is null || b.ProvinceCode != official.ProvinceCode)
        {
            if (b is not null) await audit.WriteAsync(official.Username, action, $"broadcast:{id}", "denied");
            return official.IsProvince || b is null ? Results.Problem(statusCode: 404, title: "No such broadcast") : NotProvince();
        }
        return await then(official, b);
    }
}
