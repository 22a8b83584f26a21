using Gateway.App.Features.Channels;
using Gateway.Channels;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Webhooks;

/// <summary>
/// <c>POST /webhooks/{channelKey}/receive|status</c>: verify → parse → normalize (in the adapter), then
/// persist before answering. A 200 means the message is committed.
/// </summary>
public static class WebhooksApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/webhooks/{channelKey}").WithTags("Webhooks").AllowAnonymous();
        group.AddEndpointFilter<Metrics.WebhookObservation>(); // counted (accepted / refused and why), timed, traced
        // Twilio can be configured to use GET; the signature then covers the URL only.
        group.MapMethods("/receive", ["POST", "GET"], (string channelKey, HttpContext http, CancellationToken ct) => HandleAsync(WebhookKind.Receive, channelKey, http, ct));
        group.MapMethods("/status", ["POST", "GET"], (string channelKey, HttpContext http, CancellationToken ct) => HandleAsync(WebhookKind.Status, channelKey, http, ct));
        return app;
    }

    private static async Task<IResult> HandleAsync(WebhookKind kind, string channelKey, HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var channel = services.GetRequiredService<ChannelCatalog>().Find(channelKey);
        if (channel is null)
            return Results.Problem(statusCode: 404, title: "Unknown channel", detail: $"No channel '{channelKey}' is configured.");

        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
            return Results.Problem(statusCode: 413, title: "Body too large", detail: $"Webhook bodies are limited to {MaxBodyBytes} bytes.");

        var request = new InboundRequest(
            http.Request.Method,
            PublicUrl(services.GetRequiredService<IOptions<GatewayOptions>>().Value, http.Request),
            new HeaderView(http.Request.Headers),
            body.Value,
            http.Request.ContentType);

        var result = channel.Adapter.Handle(kind, request, channel.Options);
        if (result is InboundResult.Rejected rejected)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebhooksApi))
                .LogWarning("Webhook {Channel}/{Kind} refused with {Status}: {Error}", channelKey, kind, rejected.StatusCode, rejected.Error);
            return Results.Problem(statusCode: rejected.StatusCode, title: rejected.StatusCode == 403 ? "Signature check failed" : "Malformed webhook", detail: rejected.Error);
        }

        var accepted = (InboundResult.Accepted)result;
        foreach (var e in accepted.Events)
        {
            switch (e)
            {
                case MessageReceived m:
                    await services.GetRequiredService<InboundWriter>().StoreAsync(channelKey, m, ct);
                    break;
                case StatusUpdated s:
                    await services.GetRequiredService<StatusWriter>().ApplyAsync(channelKey, s, ct);
                    break;
                case FollowChanged f:
                    await services.GetRequiredService<StatusWriter>().ApplyAsync(f, ct);
                    break;
            }
        }
        return Results.Text(accepted.Response.Body, accepted.Response.ContentType, statusCode: 200);
    }

    /// <summary>The URL the provider signed: the configured public base, never the internal Host header.</summary>
    internal static string PublicUrl(GatewayOptions options, HttpRequest request)
    {
        var pathBase = options.PublicBaseUrl.TrimEnd('/');
        return pathBase + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream(request.ContentLength is { } n ? (int)n : 4096);
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>A case-insensitive read-only view of the request headers without copying them.</summary>
    private sealed class HeaderView(IHeaderDictionary headers) : IReadOnlyDictionary<string, string>
    {
        public string this[string key] => headers[key].ToString();
        public IEnumerable<string> Keys => headers.Keys;
        public IEnumerable<string> Values => headers.Values.Select(v => v.ToString());
        public int Count => headers.Count;
        public bool ContainsKey(string key) => headers.ContainsKey(key);
        public bool TryGetValue(string key, out string value)
        {
            if (headers.TryGetValue(key, out var v)) { value = v.ToString(); return true; }
            value = "";
            return false;
        }
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
            headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
