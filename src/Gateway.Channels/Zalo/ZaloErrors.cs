namespace Gateway.Channels.Zalo;

/// <summary>
/// Zalo OA API error codes (negative <c>error</c> in the envelope; protocols.md §B3, §B4) and what the sender
/// should do. Classification follows chatwoot's retryable / window codes and the public error maps.
/// </summary>
public static class ZaloErrors
{
    /// <summary>Prefix of <see cref="SendResult.Failed.Code"/> for an invalid or expired access token: refresh it, then retry.</summary>
    public const string TokenCodePrefix = "token";

    public enum Kind
    {
        /// <summary>Retry later with backoff.</summary>
        Transient,
        /// <summary>Refresh the OA access token once, then retry.</summary>
        Token,
        /// <summary>The resident is outside the consultation window (not following, no interaction in 7 days…): use ZNS, do not retry.</summary>
        Window,
        /// <summary>
        /// The OA or app is disabled, unverified or not registered for the API: every send fails until an admin
        /// fixes it, so the gateway parks the channel and the message waits (hence retryable).
        /// </summary>
        Configuration,
        /// <summary>Quota or content problem: retrying the same request fails the same way.</summary>
        Permanent,
    }

    public sealed record Info(string Meaning, Kind Kind)
    {
        public bool Retryable => Kind is Kind.Transient or Kind.Token or Kind.Configuration;

        /// <summary>How far the failure reaches beyond this message.</summary>
        public FailureKind Reach => Kind switch
        {
            Kind.Token => FailureKind.TokenRejected,
            Kind.Window => FailureKind.Unreachable,
            Kind.Configuration => FailureKind.ChannelConfiguration,
            _ => FailureKind.Message,
        };
    }

    private static readonly Dictionary<int, Info> Table = new()
    {
        [-32] = new("Too many API calls (rate limit)", Kind.Transient),
        [-100] = new("Unknown or transient error", Kind.Transient),
        [-124] = new("Access token invalid", Kind.Token),
        [-201] = new("Invalid parameter", Kind.Permanent), // disputed meaning (§C-7): permanent, log the text
        [-204] = new("OA disabled or deleted", Kind.Configuration),
        [-205] = new("OA does not exist", Kind.Configuration),
        [-209] = new("App not activated or API unsupported", Kind.Configuration),
        [-210] = new("A parameter exceeds its limit", Kind.Permanent),
        [-211] = new("OA out of quota", Kind.Permanent),
        [-212] = new("App not registered for this API", Kind.Configuration),
        [-213] = new("User does not follow the OA", Kind.Window),
        [-216] = new("Access token invalid", Kind.Token),
        [-217] = new("User blocked the OA's invitation", Kind.Window),
        [-218] = new("Sending limit to this user reached", Kind.Window),
        [-219] = new("App removed or disabled", Kind.Configuration),
        [-220] = new("Access token expired or revoked", Kind.Token),
        [-221] = new("OA not verified", Kind.Configuration),
        [-224] = new("OA has no service package", Kind.Configuration),
        [-227] = new("User account locked or inactive", Kind.Window),
        [-230] = new("User has not interacted with the OA in 7 days", Kind.Window),
        [-232] = new("No interaction or interaction expired", Kind.Window),
        [-233] = new("Invalid or unsupported message type", Kind.Permanent),
        [-234] = new("Sending not allowed now (22:00-06:00)", Kind.Permanent),
        [-244] = new("User restricted this message type", Kind.Window),
        [-320] = new("Paid consultation message but no Zalo Cloud Account linked", Kind.Permanent),
        [-321] = new("Zalo Cloud Account balance too low", Kind.Permanent),
    };

    /// <summary>Unknown codes are permanent: the safe default is not to resend.</summary>
    public static Info Find(int code) => Table.GetValueOrDefault(code) ?? new Info("Unknown Zalo error", Kind.Permanent);

    /// <summary>The <see cref="SendResult.Failed.Code"/> for an envelope error: <c>token:-216</c> for token errors, else <c>-213</c>.</summary>
    public static string CodeFor(int error) =>
        Find(error).Kind == Kind.Token ? $"{TokenCodePrefix}:{error}" : error.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>True when a failed send's code means the access token must be refreshed.</summary>
    public static bool IsTokenError(string? failedCode) =>
        failedCode is not null && failedCode.StartsWith(TokenCodePrefix + ":", StringComparison.Ordinal);
}
