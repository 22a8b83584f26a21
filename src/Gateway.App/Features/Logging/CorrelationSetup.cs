namespace Gateway.App.Features.Logging;

public static class CorrelationSetup
{
    /// <summary>
    /// Every request runs under a correlation id: the caller's <c>X-Correlation-Id</c> when it is a safe token, else a
    /// new one, echoed in the response. A webhook's id is stored with the message it brings; a reply's with the reply.
    /// </summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var id = Correlation.Accept(http.Request.Headers[Correlation.Header]) ?? Correlation.NewId();
        http.Response.Headers[Correlation.Header] = id;
        Correlation.Tag(id);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(Correlation.TraceCategory);
        using (Correlation.Enter(logger, id))
            await next(http);
    });
}
