namespace Gateway.Channels;

/// <param name="Id">Our id for the send.</param>
/// <param name="StatusCallbackUrl">Where the provider posts delivery reports, if it supports them.</param>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="Reference">
/// The client reference sent to providers that take one (eSMS <c>RequestId</c>, ZNS <c>tracking_id</c>): the
/// same for every attempt of one delivery, so a provider that refuses duplicates makes a repeat after a crash
/// harmless. Defaults to <see cref="Id"/>.
/// </param>
/// <param name="Template">For template-only channels (ZNS): the provider's template id and its parameters.</param>
public sealed record OutboundMessage(
    Guid Id, Urn To, string Text, string? StatusCallbackUrl, int Attempt,
    string? Reference = null, OutboundTemplate? Template = null)
{
    public string ClientReference => Reference ?? Id.ToString("N");
}

/// <summary>A provider-registered template (ZNS) and the values of its parameters, all strings on the wire.</summary>
public sealed record OutboundTemplate(string TemplateId, IReadOnlyDictionary<string, string> Data);

public abstract record SendResult
{
    /// <param name="Status">What the provider said at once (Twilio: queued/accepted; simulator: delivered).</param>
    /// <param name="RemainingQuota">What the provider says is left of today's quota (ZNS), when it says.</param>
    public sealed record Sent(string ProviderMessageId, DeliveryStatus Status, int? RemainingQuota = null) : SendResult;

    /// <param name="Retryable">429, 5xx, timeouts and token expiry are retryable; bad numbers are not.</param>
    /// <param name="Kind">What the failure says beyond this one message: see <see cref="FailureKind"/>.</param>
    public sealed record Failed(bool Retryable, string Code, string Message, TimeSpan? RetryAfter = null,
        FailureKind Kind = FailureKind.Message) : SendResult;
}

/// <summary>How far a failed send reaches, which decides what the gateway does next.</summary>
public enum FailureKind
{
    /// <summary>This message only: retry if retryable, else it failed.</summary>
    Message,

    /// <summary>
    /// Definitely not delivered, and this channel cannot reach this resident (ZNS −118 no Zalo account, −108 bad
    /// phone, OA −213 not a follower): a notice may take the next channel.
    /// </summary>
    Unreachable,

    /// <summary>The channel's quota for the day is spent (ZNS): stop using it today; a notice takes the next channel.</summary>
    QuotaSpent,

    /// <summary>The access token was refused (Zalo −216 / −220 / −124): refresh it once and send again.</summary>
    TokenRejected,

    /// <summary>
    /// The channel itself is misconfigured (eSMS 101 wrong key, 104 unknown brandname; Zalo app errors): stop
    /// the channel, warn on the health page; queued messages wait.
    /// </summary>
    ChannelConfiguration,
}
