namespace Gateway.App.Features.Channels.ZaloTokens;

/// <summary><c>ZaloTokens:*</c>: when OA access tokens are renewed, and how a failed renewal is retried.</summary>
public sealed class ZaloTokenOptions
{
    public const string Section = "ZaloTokens";

    /// <summary>How often the renewal looks at every OA's pair.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>A pair is renewed once this share of its life has passed (Zalo: 25 h, so after 20 h).</summary>
    public double RenewAt { get; set; } = 0.8;
    /// <summary>How long one instance holds the right to spend the refresh token; longer than an OAuth call can take.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long a token read from the database is reused before it is read again.</summary>
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(2);
}
