namespace Gateway.Channels;

/// <param name="Id">Our id; sent to providers that accept a client reference.</param>
/// <param name="StatusCallbackUrl">Where the provider posts delivery reports, if it supports them.</param>
/// <param name="Attempt">1 for the first try.</param>
public sealed record OutboundMessage(Guid Id, Urn To, string Text, string? StatusCallbackUrl, int Attempt);

public abstract record SendResult
{
    /// <param name="Status">What the provider said at once (Twilio: queued/accepted; simulator: delivered).</param>
    public sealed record Sent(string ProviderMessageId, DeliveryStatus Status) : SendResult;

    /// <param name="Retryable">429, 5xx, timeouts and token expiry are retryable; bad numbers are not.</param>
    public sealed record Failed(bool Retryable, string Code, string Message, TimeSpan? RetryAfter = null) : SendResult;
}
