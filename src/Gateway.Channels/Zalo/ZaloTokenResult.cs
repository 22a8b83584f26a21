namespace Gateway.Channels.Zalo;

/// <summary>What Zalo OAuth v4 answered to a code exchange or a refresh.</summary>
public abstract record ZaloTokenResult
{
    /// <summary>
    /// A new pair. The refresh token is single-use and the one just sent is now spent: persist this pair
    /// before using the access token.
    /// </summary>
    /// <param name="ExpiresIn">The access token's lifetime as Zalo stated it (<c>expires_in</c>, 90000 s lately).</param>
    public sealed record Issued(string AccessToken, string RefreshToken, TimeSpan ExpiresIn) : ZaloTokenResult
    {
        // The default record printing would put both tokens in any log line that prints the result.
        public override string ToString() => $"Issued {{ AccessToken = ***, RefreshToken = ***, ExpiresIn = {ExpiresIn} }}";
    }

    /// <param name="Definite">
    /// True when Zalo itself answered with an error (the refresh token or code is spent, expired or unknown,
    /// the secret is wrong…): retrying the same request cannot help, an admin must act (usually re-consent).
    /// False when no verdict arrived (network, timeout, 5xx, an unreadable answer): retry with backoff.
    /// </param>
    /// <param name="Code">Zalo's <c>error</c> (<c>"-14014"</c>), or <c>network</c>, <c>timeout</c>, <c>http-503</c>, <c>bad-response</c>.</param>
    /// <param name="ErrorName">Zalo's <c>error_name</c>, when it sent one.</param>
    /// <param name="Description">For people: Zalo's <c>error_description</c> / <c>error_reason</c>, or what went wrong. Never holds a secret.</param>
    public sealed record Refused(bool Definite, string Code, string? ErrorName, string Description) : ZaloTokenResult;
}
