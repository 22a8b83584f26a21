using System.Text.Json;
using Gateway.App.Features.Web;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.ApiDocs;

/// <summary>
/// <c>GET /api-docs</c>: the OpenAPI document as one plain page, operation by operation with its summary, parameters
/// and examples. Rendered on the server from the same document as <c>/openapi/v1.json</c>: it works offline and on
/// a slow link, and cannot drift from what the endpoints declare.
/// </summary>
public static class ApiReferencePage
{
    public static IEndpointRouteBuilder MapApiReferencePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api-docs", async (HttpContext http, CancellationToken ct) =>
        {
            var provider = http.RequestServices.GetRequiredKeyedService<IOpenApiDocumentProvider>(OpenApiSetup.DocumentName);
            var document = await provider.GetOpenApiDocumentAsync(ct);
            return new WebPage(http).Render("API", Body(document));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static Raw Body(OpenApiDocument document)
    {
        var operations = (document.Paths ?? new OpenApiPaths())
            .SelectMany(p => (p.Value.Operations ?? []).Select(o => (Path: p.Key, Method: o.Key.ToString().ToUpperInvariant(), Operation: o.Value)))
            .GroupBy(o => o.Operation.Tags?.FirstOrDefault()?.Name ?? "Other")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        return H($"""
            <h1>{document.Info.Title} {document.Info.Version}</h1>
            <p>{document.Info.Description}</p>
            <p>Machine-readable: <a href="{OpenApiSetup.DocumentPath}">{OpenApiSetup.DocumentPath}</a> (OpenAPI {"3.1"}).</p>
            {Join(operations.Select(g => H($"<h2 id=\"{Q(g.Key)}\">{g.Key}</h2>{Join(g.Select(o => Operation(o.Method, o.Path, o.Operation)))}")))}
            """);
    }

    private static Raw Operation(string method, string path, OpenApiOperation operation)
    {
        var parameters = (operation.Parameters ?? []).Select(p => H($"<li><code>{p.Name}</code> ({p.In?.ToString().ToLowerInvariant()}{(p.Required ? ", required" : "")}){(p.Description is null ? Raw.Empty : H($": {p.Description}"))}</li>"));
        var request = (operation.RequestBody?.Content ?? new Dictionary<string, OpenApiMediaType>())
            .Select(c => Example("Request", c.Key, c.Value.Example));
        var responses = (operation.Responses ?? new OpenApiResponses())
            .SelectMany(r => (r.Value.Content ?? new Dictionary<string, OpenApiMediaType>()).Select(c => Example($"Response {r.Key}", c.Key, c.Value.Example)));
        return H($"""
            <section class=op><h3><code>{method} {path}</code></h3>
            <p>{operation.Summary ?? ""}</p>{(operation.Description is null ? Raw.Empty : H($"<p>{operation.Description}</p>"))}
            {(parameters.Any() ? H($"<ul>{Join(parameters)}</ul>") : Raw.Empty)}{Join(request)}{Join(responses)}</section>
            """);
    }

    private static Raw Example(string label, string mediaType, System.Text.Json.Nodes.JsonNode? example)
    {
        if (example is null) return Raw.Empty;
        var text = example is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : example.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return H($"<p><b>{label}</b> <code>{mediaType}</code></p><pre>{text}</pre>");
    }
}
