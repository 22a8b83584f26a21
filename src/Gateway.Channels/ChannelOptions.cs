namespace Gateway.Channels;

/// <summary>One channel instance, bound from <c>Channels:{key}</c>. Secrets come only from configuration.</summary>
public sealed class ChannelOptions
{
    public string Key { get; set; } = "";
    /// <summary><c>twilio</c>, <c>zalo</c> or <c>simulator</c>.</summary>
    public string Type { get; set; } = "";
    public string? DefaultCommune { get; set; }
    public string? ApiBaseUrl { get; set; }
    /// <summary>
    /// The provider's send limit, so the gateway queues instead of collecting 429s: SMS segments a second for
    /// SMS channels, messages a second for Zalo. Null or 0 leaves the channel unpaced.
    /// </summary>
    public double? MessagesPerSecond { get; set; }

    // Twilio
    public string? AccountSid { get; set; }
    public string? AuthToken { get; set; }
    public string? From { get; set; }
    public string? MessagingServiceSid { get; set; }

    // Zalo OA
    public string? AppId { get; set; }
    public string? OaSecretKey { get; set; }
    public string? AccessToken { get; set; }
    public string? OaId { get; set; }
}
