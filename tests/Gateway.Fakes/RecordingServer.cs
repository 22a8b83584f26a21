using System.Collections.Concurrent;
using Gateway.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.Fakes;

/// <summary>
/// A stand-in for the gateway's webhook endpoints: records every request and answers what
/// <c>respond</c> says (200 with an empty body by default). Used to catch the callbacks the fakes send.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<RecordedRequest, string, (int Status, string Body)>? _respond;
    private FakeServerHost? _host;

    private RecordingServer(Func<RecordedRequest, string, (int Status, string Body)>? respond) => _respond = respond;

    public string Url => _host?.Url ?? throw new InvalidOperationException("not started");

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <param name="respond">Given the request and the full URL it was sent to, the status and body to answer.</param>
    public static async Task<RecordingServer> StartAsync(Func<RecordedRequest, string, (int Status, string Body)>? respond = null)
    {
        var server = new RecordingServer(respond);
        server._host = await FakeServerHost.StartAsync(server.HandleAsync);
        return server;
    }

    /// <summary>A recorded request as the gateway would hand it to an adapter, with <paramref name="publicUrl"/> as the URL called.</summary>
    public static InboundRequest ToInboundRequest(RecordedRequest request, string publicUrl) =>
        new(request.Method, publicUrl, request.Headers, request.RawBody, request.Header("Content-Type"));

    private async Task HandleAsync(HttpContext context)
    {
        var recorded = await RecordedRequest.ReadAsync(context.Request);
        _requests.Enqueue(recorded);
        var (status, body) = _respond?.Invoke(recorded, Url + recorded.Path + recorded.QueryString) ?? (200, "");
        context.Response.StatusCode = status;
        if (body.Length > 0) await context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }
}
