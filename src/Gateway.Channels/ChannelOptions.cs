namespace Gateway.Channels;

/// <summary>One channel instance, bound from <c>Channels:{key}</c>. Secrets come only from configuration.</summary>
public sealed class ChannelOptions
{
    public string Key { get; set; } = "";
    /// <summary><c>twilio</c>, <c>zalo</c>, <c>zns</c>, <c>esms</c> or <c>simulator</c>.</summary>
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
    /// <summary>
    /// The OA access token the adapter sends. The gateway fills it from its token store (the database) for
    /// each send; configuration only seeds the first pair with it and <see cref="RefreshToken"/>.
    /// </summary>
    public string? AccessToken { get; set; }
    public string? OaId { get; set; }
    /// <summary>Seeds the OA's first token pair; after that the database holds the (single-use) refresh token.</summary>
    public string? RefreshToken { get; set; }
    /// <summary>
    /// How far a webhook event's <c>timestamp</c> may be from the gateway's clock, either way (default 10 minutes): an
    /// older event is a replay (its MAC stays valid forever) and is refused. Zalo retries a webhook that failed shortly
    /// after, with the original timestamp; widen this if the gateway may be unreachable for longer.
    /// </summary>
    public TimeSpan? EventWindow { get; set; }
    /// <summary>The App Secret Key, sent in OAuth v4's <c>secret_key</c> header (not the OA Secret Key, which checks webhook MACs).</summary>
    public string? AppSecret { get; set; }
    /// <summary>Zalo OAuth v4's host, default <c>https://oauth.zaloapp.com</c>; tests point it at a fake.</summary>
    public string? OAuthBaseUrl { get; set; }

    // ZNS
    /// <summary>The key of the <c>zalo</c> channel whose OA, and renewing token pair, this ZNS channel uses.</summary>
    public string? ZaloOa { get; set; }
    /// <summary>Adds <c>"mode":"development"</c>: Zalo then delivers only to the app's and OA's admins.</summary>
    public bool Development { get; set; }

    // eSMS
    public string? ApiKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>The registered brandname (sender name) of customer-care SMS.</summary>
    public string? Brandname { get; set; }
    /// <summary>The partner id eSMS puts in <c>cpid</c> on short-code MO calls.</summary>
    public string? CpId { get; set; }
    /// <summary>The key of the MO <c>sign</c>: <c>base64(MD5(cpid + smsid + content + receiverTime + PrivateKey))</c>.</summary>
    public string? PrivateKey { get; set; }
    /// <summary>An unguessable secret the gateway puts in its delivery-report CallbackUrl (eSMS does not sign them).</summary>
    public string? CallbackSecret { get; set; }
    /// <summary>eSMS <c>Sandbox</c>: accepted, not delivered, not charged.</summary>
    public bool Sandbox { get; set; }

    /// <summary>A copy carrying the token to send with; the configured instance is never mutated.</summary>
    public ChannelOptions WithAccessToken(string? accessToken)
    {
        var copy = (ChannelOptions)MemberwiseClone();
        copy.AccessToken = accessToken;
        return copy;
    }
}
