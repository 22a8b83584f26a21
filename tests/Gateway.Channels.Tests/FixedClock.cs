namespace Gateway.Channels.Tests;

/// <summary>A clock stopped at one moment: a recorded payload is checked at the time it was sent.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;

    public static FixedClock AtUnixMs(long ms) => new(DateTimeOffset.FromUnixTimeMilliseconds(ms));
}
