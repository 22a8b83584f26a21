using System.Text.Json;
using Gateway.Channels.Text;

namespace Gateway.Channels.Simulator;

/// <summary>
/// A resident's phone simulated by a local page or API, so the whole flow runs with no provider account.
/// Inbound is unsigned JSON <c>{"from":"0912345678","text":"…"}</c>, from <c>sim:+84912345678</c> (never a <c>tel:</c>
/// address); sends are recorded by the app and reported
/// delivered at once, with no network call.
/// </summary>
/// <remarks>Only for local and test use: anything that can reach the endpoint can post as any phone.</remarks>
public sealed class SimulatorAdapter : IChannelAdapter
{
    public const string ChannelType = "simulator";

    /// <summary>Prefix of the provider ids the simulator gives to messages it "sends".</summary>
    public const string SentIdPrefix = "SIM";

    public string Type => ChannelType;

    /// <summary>
    /// Receive: <c>{"from","text","to"?}</c> → <see cref="MessageReceived"/> with a new id.
    /// Status (the simulated phone reporting on a message it got): <c>{"id","status"}</c> with status
    /// <c>delivered</c>, <c>read</c> or <c>failed</c> → <see cref="StatusUpdated"/>.
    /// </summary>
    public InboundResult Handle(WebhookKind kind, InboundRequest request, ChannelOptions channel)
    {
        if (!Json.TryParse(request.Body, out var doc, out var notJson)) return notJson;

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return InboundResult.Malformed("body is not a JSON object");
            return kind == WebhookKind.Status ? Status(root) : Message(root);
        }
    }

    private static InboundResult Message(JsonElement root)
    {
        var from = Json.String(root, "from");
        if (string.IsNullOrWhiteSpace(from)) return InboundResult.Malformed("from is missing");
        var text = Json.String(root, "text");
        if (text is null) return InboundResult.Malformed("text is missing");
        if (!PhoneNumber.TryNormalize(from, out var e164)) return InboundResult.Malformed("from is not a phone number");

        // sim:, never tel:: a simulated text cannot speak for (or reach) the real owner of the number.
        var message = new MessageReceived(Guid.CreateVersion7().ToString(), Urn.Simulated(e164), Json.String(root, "to"),
            text, VietText.Normalize(text), [], null, null);
        return new InboundResult.Accepted([message], ProviderResponse.JsonOk);
    }

    private static InboundResult Status(JsonElement root)
    {
        var id = Json.String(root, "id");
        if (string.IsNullOrEmpty(id)) return InboundResult.Malformed("id is missing");
        DeliveryStatus? status = Json.String(root, "status")?.ToLowerInvariant() switch
        {
            "delivered" => DeliveryStatus.Delivered,
            "read" => DeliveryStatus.Read,
            "failed" => DeliveryStatus.Failed,
            _ => null,
        };
        if (status is null) return InboundResult.Malformed("status is missing or not one of delivered, read, failed");
        return new InboundResult.Accepted([new StatusUpdated(id, status.Value, null, null)], ProviderResponse.JsonOk);
    }

    /// <summary>Always delivered at once: the simulated phone is always on.</summary>
    public Task<SendResult> SendAsync(OutboundMessage message, ChannelOptions channel, HttpClient http, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult<SendResult>(new SendResult.Sent(SentIdPrefix + message.Id, DeliveryStatus.Delivered));
    }
}
