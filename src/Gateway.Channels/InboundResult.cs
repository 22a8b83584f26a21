namespace Gateway.Channels;

/// <summary>The outcome of a webhook: either events plus the reply the provider expects, or a refusal.</summary>
public abstract record InboundResult
{
    public sealed record Accepted(IReadOnlyList<ChannelEvent> Events, ProviderResponse Response) : InboundResult;

    /// <param name="StatusCode">403 for a bad or missing signature; 400 for a malformed body.</param>
    public sealed record Rejected(int StatusCode, string Error) : InboundResult;

    public static Rejected BadSignature(string why) => new(403, why);
    public static Rejected Malformed(string why) => new(400, why);
}

/// <summary>The body a provider expects back (Twilio: empty TwiML; Zalo: a small JSON).</summary>
public sealed record ProviderResponse(string ContentType, string Body)
{
    public static readonly ProviderResponse EmptyTwiml = new("text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    public static readonly ProviderResponse JsonOk = new("application/json", "{\"ok\":true}");
}
