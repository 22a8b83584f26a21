using System.Text;
using System.Text.Json;
using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Simulator;

/// <summary>
/// A resident's phone for the embedded default: send as a resident, read what the gateway sent back.
/// Available only where a <c>simulator</c> channel is configured (never in production configuration).
/// </summary>
public static class SimulatorApi
{
    public sealed record SimulatedText(string? From, string? Text);

    public static IEndpointRouteBuilder MapSimulatorApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/simulator").AllowAnonymous().WithTags("Simulator");

        api.MapPost("/messages", async (SimulatedText body, ChannelCatalog channels, InboundWriter writer, Routing.IngestLogMover mover, CancellationToken ct) =>
        {
            var channel = Simulator(channels);
            if (channel is null) return Results.Problem(statusCode: 404, title: "No simulator channel is configured");
            var json = JsonSerializer.SerializeToUtf8Bytes(new { from = body.From, text = body.Text });
            var request = new InboundRequest("POST", "/api/simulator/messages", new Dictionary<string, string>(), json, "application/json");
            var result = channel.Adapter.Handle(WebhookKind.Receive, request, channel.Options);
            if (result is InboundResult.Rejected r) return Results.Problem(statusCode: r.StatusCode, title: "Invalid simulated message", detail: r.Error);
            var received = ((InboundResult.Accepted)result).Events.OfType<MessageReceived>().Single();
            var id = await writer.StoreAsync(channel.Key, received, ct);
            // Like the page: the phone's thread (GET below) reads messages, which the mover fills from the log.
            await mover.WaitMovedAsync(id, TimeSpan.FromSeconds(5), ct);
            return Results.Accepted(value: new { id = received.ProviderMessageId, from = received.From.Path });
        });

        api.MapGet("/messages", async (string? to, ChannelCatalog channels, Db db) =>
        {
            var channel = Simulator(channels);
            if (channel is null) return Results.Problem(statusCode: 404, title: "No simulator channel is configured");
            if (string.IsNullOrWhiteSpace(to) || !PhoneNumber.TryNormalize(to, out var e164))
                return Results.Problem(statusCode: 400, title: "Missing or invalid 'to'", detail: "Give the resident's phone number, e.g. ?to=0912345678.");
            await using var c = await db.OpenAsync();
            var rows = await c.QueryAsync<(string Id, string Kind, string Text, string Status, long CreatedAt)>(
                "SELECT id, kind, text, status, created_at FROM messages WHERE channel_key = @key AND urn = @urn AND direction = 'out' ORDER BY created_at, id",
                new { key = channel.Key, urn = Urn.Simulated(e164).ToString() });
            return Results.Ok(rows.Select(r => new { id = r.Id, kind = r.Kind, text = r.Text, status = r.Status, createdAt = TimeExtensions.FromMs(r.CreatedAt) }));
        });
        return app;
    }

    private static ChannelInstance? Simulator(ChannelCatalog channels) => channels.All.FirstOrDefault(c => c.Type == ChannelTypes.Simulator);
}
