namespace Gateway.App.Infrastructure;

public static class TimeExtensions
{
    /// <summary>Stored times are UTC unix milliseconds.</summary>
    public static long NowMs(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
