namespace Gateway.App.Features.Outbound;

public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>Attempts before a retryable failure becomes final.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; doubles each attempt (with jitter), capped at <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often due retries are looked for.</summary>
    public TimeSpan RetrySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Provider call timeout: past it the attempt counts as failed and retryable.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a send's claim holds (the lease on the row). Past it, with no result recorded, the instance is taken
    /// for dead and the sweep settles the send. Must exceed the longest send: pacing wait + two calls of SendTimeout.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How soon a message parked by its channel (no working token, channel stopped) is tried again.</summary>
    public TimeSpan ParkedRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often sends interrupted by a crash are looked up at providers that can be asked (Twilio).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(15);
}
