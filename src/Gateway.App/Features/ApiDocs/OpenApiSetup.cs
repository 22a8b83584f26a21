using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.App.Features.ApiDocs;

/// <summary>
/// <c>/openapi/v1.json</c>: the JSON API (everything under <c>/api</c>) and the provider webhooks, generated from the
/// endpoints by Microsoft.AspNetCore.OpenApi, with the summaries and examples of <see cref="ApiExamples"/>; and
/// <c>/api-docs</c>, a server-rendered reference page of the same document (no script, nothing fetched from outside).
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            // Pages, streams and diagnostics are for browsers and operators, not API clients.
            options.ShouldInclude = d => d.RelativePath is { } p && (p.StartsWith("api/", StringComparison.Ordinal) || p.StartsWith("webhooks/", StringComparison.Ordinal));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Gateway API";
                document.Info.Description =
                    "The commune gateway's JSON API (inbox, replies, notices and broadcasts, residents, accounts) and the provider webhooks. " +
                    "Sign in with POST /api/auth/token and send Authorization: Bearer <token>. Errors are RFC 9457 problem details.";
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var d = context.Description;
                if (!ApiExamples.ByRoute.TryGetValue($"{d.HttpMethod} /{RouteKey(d.RelativePath)}", out var example)) return Task.CompletedTask;
                Apply(operation, example);
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapApiReferencePage();
        return app;
    }

    internal static void Apply(OpenApiOperation operation, ApiExample example)
    {
        operation.Summary ??= example.Summary;
        operation.Description ??= example.Description;
        if (example.Request is { } request)
        {
            var body = operation.RequestBody as OpenApiRequestBody ?? new OpenApiRequestBody { Required = true };
            body.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var (mediaType, value) in request)
            {
                if (!body.Content.TryGetValue(mediaType, out var media)) body.Content[mediaType] = media = new OpenApiMediaType();
                media.Example = value.DeepClone();
            }
            operation.RequestBody = body;
        }
        if (example.Response is { } response)
        {
            operation.Responses ??= new OpenApiResponses();
            var key = response.Status.ToString();
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse r)
                operation.Responses[key] = r = new OpenApiResponse { Description = Reason(response.Status) };
            r.Content ??= new Dictionary<string, OpenApiMediaType>();
            if (!r.Content.TryGetValue(response.MediaType, out var media)) r.Content[response.MediaType] = media = new OpenApiMediaType();
            media.Example = response.Example.DeepClone();
        }
    }

    /// <summary>The route as the document writes it: <c>{id:guid}</c> → <c>{id}</c>.</summary>
    internal static string RouteKey(string? relativePath) =>
        System.Text.RegularExpressions.Regex.Replace(relativePath ?? "", @"\{([^}:?]+)[^}]*\}", "{$1}").TrimEnd('/');

    private static string Reason(int status) => status switch { 200 => "OK", 201 => "Created", 202 => "Accepted", _ => status.ToString() };
}
