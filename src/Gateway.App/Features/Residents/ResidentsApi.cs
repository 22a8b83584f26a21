using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace Gateway.App.Features.Residents;

/// <summary>
/// <c>POST /api/residents/import</c> (a CSV body) and <c>GET /api/residents/export?commune=</c>: a province officer
/// keeps the residents list of their province. Commune officers are refused (403), strangers get 401.
/// </summary>
public static class ResidentsApi
{
    /// <summary>About a million rows; the body is read as it arrives, never held whole.</summary>
    public const long MaxImportBytes = 64L * 1024 * 1024;

    public static IServiceCollection AddResidents(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => Languages.Default);
        services.AddSingleton<ResidentImporter>();
        services.AddSingleton<ResidentExport>();
        return services;
    }

    public static IEndpointRouteBuilder MapResidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/residents").RequireAuthorization().WithTags("Residents");

        group.MapPost("/import", async (HttpContext http, ResidentImporter importer, AuditLog audit) =>
        {
            var official = Official.From(http.User)!;
            if (!official.IsProvince) return await DeniedAsync(audit, official, "residents.import", null);
            if (!IsCsv(http.Request.ContentType))
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the residents list as text/csv",
                    detail: $"Content-Type must be {ResidentCsv.ContentType} (UTF-8), with the header line \"{ResidentCsv.Header}\"; got \"{http.Request.ContentType}\".");
            AllowLargeBody(http);
            try
            {
                var result = await importer.ImportAsync(http.Request.Body, official.ProvinceCode, http.RequestAborted);
                await AuditAsync(audit, official, result);
                return Results.Ok(result);
            }
            catch (ResidentCsvHeaderException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Wrong header", detail: e.Message);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large",
                    detail: $"At most {MaxImportBytes / (1024 * 1024)} MB a file; rows before the limit were imported. Split the list.");
            }
        }).Produces<ImportResult>(); // no .Accepts(): routing would answer a wrong type with a bare 415 before the handler explains it

        group.MapGet("/export", ExportAsync).Produces(StatusCodes.Status200OK, contentType: ResidentCsv.ContentType);

        return app;
    }

    /// <summary>Lets this request's body exceed Kestrel's 30 MB default (only before anything has read it).</summary>
    public static void AllowLargeBody(HttpContext http)
    {
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit is { IsReadOnly: false }) limit.MaxRequestBodySize = MaxImportBytes;
    }

    /// <summary>Counts only: the list itself (numbers, languages) is sensitive and stays out of the log.</summary>
    public static Task AuditAsync(AuditLog audit, Official official, ImportResult result) =>
        audit.WriteAsync(official.Username, "residents.import", $"province:{official.ProvinceCode}", "ok",
            $"imported={result.Imported} updated={result.Updated} rejected={result.Rejected.Count}");

    private static bool IsCsv(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals(ResidentCsv.ContentType, StringComparison.OrdinalIgnoreCase);

    private static async Task<IResult> DeniedAsync(AuditLog audit, Official official, string action, string? commune)
    {
        await audit.WriteAsync(official.Username, action, commune is null ? null : $"commune:{commune}", "denied");
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Province officers only",
            detail: "Only a province officer keeps the residents list, and only for the communes of their own province.");
    }

    /// <summary>The export, for the API (bearer token) and for the residents page's links (cookie: <c>/residents/export</c>).</summary>
    public static async Task<IResult> ExportAsync(string? commune, HttpContext http, ResidentExport export, CommuneDirectory directory, AuditLog audit)
    {
        var official = Official.From(http.User)!;
        if (!official.IsProvince) return await DeniedAsync(audit, official, "residents.export", commune);
        commune = string.IsNullOrWhiteSpace(commune) ? null : commune.Trim();
        if (commune is not null)
        {
            var known = directory.FindCommune(commune);
            if (known is null) return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such commune", detail: $"No commune has code {commune}.");
            if (!official.CanAccess(known.Code, known.ProvinceCode)) return await DeniedAsync(audit, official, "residents.export", commune);
        }
        await audit.WriteAsync(official.Username, "residents.export", commune is null ? $"province:{official.ProvinceCode}" : $"commune:{commune}", "ok");
        var name = $"residents-{commune ?? official.ProvinceCode}.csv";
        return Results.Stream(body => export.WriteAsync(body, official.ProvinceCode, commune, http.RequestAborted),
            $"{ResidentCsv.ContentType}; charset=utf-8", name);
    }
}
