namespace Gateway.Channels;

/// <summary>
/// An adapter that can look up whether the provider already has a message, so a send interrupted by a crash is
/// settled by asking rather than by guessing (Twilio's message list; ZNS has no lookup the gateway can rely on).
/// </summary>
public interface IReconcilingAdapter
{
    /// <param name="since">The earliest the interrupted attempt can have reached the provider.</param>
    Task<LookupResult> FindSentAsync(OutboundMessage message, DateTimeOffset since, ChannelOptions channel, HttpClient http, CancellationToken ct);
}

public abstract record LookupResult
{
    /// <summary>The provider has it: record it as sent, never send it again.</summary>
    public sealed record Found(string ProviderMessageId, DeliveryStatus Status) : LookupResult;

    /// <summary>The provider has no such message: sending it now is safe.</summary>
    public sealed record NotFound : LookupResult;

    /// <summary>No answer to rely on (network, 5xx): leave the send unknown and ask again later.</summary>
    public sealed record Unavailable(string Reason) : LookupResult;
}
