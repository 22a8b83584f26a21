using System.Diagnostics;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Logging;

namespace Gateway.App.Features.Metrics;

/// <summary>
/// On the webhook endpoints: counts each answer (accepted, or refused and why), times it, and writes the ingest hop
/// of the correlation trace. The handler is untouched; its result says what happened.
/// </summary>
public sealed class WebhookObservation(ChannelCatalog channels, ILoggerFactory loggers) : IEndpointFilter
{
    private readonly ILogger _trace = loggers.CreateLogger(Correlation.TraceCategory);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var http = context.HttpContext;
        var channel = channels.Find(http.GetRouteValue("channelKey") as string ?? "")?.Key;
        var kind = http.Request.Path.Value?.EndsWith("/status", StringComparison.OrdinalIgnoreCase) == true ? "status" : "receive";
        var status = 500;
        try
        {
            var result = await next(context);
            status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
            return result;
        }
        finally
        {
            GatewayMetrics.WebhookAnswered(channel, kind, status, Stopwatch.GetElapsedTime(started));
            _trace.LogDebug("ingest webhook {Channel}/{Kind} answered {Status}", channel ?? "unknown", kind, status);
        }
    }
}
