using Gateway.Channels;

namespace Gateway.App.Features.Diagnostics;

/// <summary>
/// <c>POST /diagnostics/empty</c>: reads the body and answers empty TwiML, touching nothing else. The
/// benchmark runs the same load against it and the real webhook to show how close ingest gets to the
/// host's HTTP ceiling. Off unless <c>Diagnostics:EmptyEndpoint=true</c>.
/// </summary>
public static class EmptyEndpoint
{
    public static IEndpointRouteBuilder MapEmptyEndpoint(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>("Diagnostics:EmptyEndpoint")) return app;
        app.MapPost("/diagnostics/empty", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.Text(ProviderResponse.EmptyTwiml.Body, ProviderResponse.EmptyTwiml.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
