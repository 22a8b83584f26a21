namespace Gateway.App.Features.Channels.ZaloTokens;

/// <summary>One OA's token pair as stored, decrypted.</summary>
public sealed class ZaloTokenRow
{
    public const string Ok = "ok", NeedsConsent = "needs_consent";

    public string AppId { get; init; } = "";
    public string? AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public long? AccessExpiresAt { get; init; }
    public long? IssuedAt { get; init; }
    public string State { get; init; } = Ok;
    public string? LastError { get; init; }
    public int Failures { get; init; }
    public long? NextAttemptAt { get; init; }
    public string? LeaseOwner { get; init; }
    public long? LeaseUntil { get; init; }
    public long UpdatedAt { get; init; }

    public bool IsExpired(long now) => AccessExpiresAt is { } at && at <= now;

    /// <summary>Past <paramref name="share"/> of its life, or of unknown life (a seeded pair: renewing tells us its expiry).</summary>
    public bool IsDueForRenewal(long now, double share) =>
        AccessExpiresAt is not { } at || IssuedAt is not { } issued || now >= issued + (long)((at - issued) * share);
}
