using Gateway.Channels;

namespace Gateway.App.Features.Diagnostics;

/// <summary>
/// <c>POST /diagnostics/empty</c>: reads the body and answers empty TwiML, touching nothing else;
/// <c>POST /diagnostics/form</c> also parses the form. The
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
        // The issue 8 comparison: the same form read through ASP.NET Core's own parser and the same TwiML, so the
        // ratio measures what verifying and storing a webhook costs on top of just taking it.
        app.MapPost("/diagnostics/form", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            _ = form["MessageSid"];
            return Results.Text(ProviderResponse.EmptyTwiml.Body, ProviderResponse.EmptyTwiml.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
