using System.Collections.Concurrent;
using Gateway.App.Features.Channels;

namespace Gateway.App.Features.Outbound.Pacing;

/// <summary>
/// Holds sends back to each channel's <c>MessagesPerSecond</c>, so a broadcast queues here instead of turning
/// into 429s and retries at the provider, and a resident's reply overtakes the broadcast.
/// </summary>
/// <remarks>
/// The limit is exact, not smoothed: within any half-open one-second window the costs granted never add up to
/// more than the rate (a sliding log of what was granted in the last second). An idle channel may therefore
/// send one second's worth at once, then exactly as fast as budget frees up; waiters wake at the computed
/// moment the budget they need frees (one timer per channel), never by polling. A single send that costs
/// more than a second's worth goes alone on an idle channel and holds it for cost ÷ rate seconds. With a
/// fractional rate, whole units per second are what fits (2.5/s sends 2 in any one second).
/// </remarks>
public sealed class ChannelPacer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<string, double?> _rateOf;
    private readonly ConcurrentDictionary<string, PacingLane> _lanes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Paces each channel at its configured <c>Channels:{key}:MessagesPerSecond</c>.</summary>
    /// <summary>
    /// In production grants are spread over tenths of a second: a whole second's budget granted at once arrived at
    /// the provider in bursts that, with uneven latency, put more than the limit into one of its seconds (measured: 300
    /// in a sliding second at a limit of 200).
    /// </summary>
    public ChannelPacer(TimeProvider time, ChannelCatalog channels)
        : this(time, key => channels.Find(key)?.Options.MessagesPerSecond, SmoothWindow) { }

    public static readonly TimeSpan SmoothWindow = TimeSpan.FromMilliseconds(100);
    private readonly TimeSpan _window = TimeSpan.FromSeconds(1);

    /// <param name="window">No more than rate × window is granted in any window of this length (so never more than the rate in any second).</param>
    public ChannelPacer(TimeProvider time, Func<string, double?> rateOf, TimeSpan window) : this(time, rateOf) => _window = window;

    /// <param name="rateOf">A channel's units per second; null, 0 or negative leaves it unpaced. Read once per channel.</param>
    public ChannelPacer(TimeProvider time, Func<string, double?> rateOf)
    {
        _time = time;
        _rateOf = rateOf;
    }

    /// <summary>
    /// Waits until <paramref name="cost"/> units (SMS segments, Zalo messages) may go on the channel without the
    /// channel exceeding its rate. Conversation waiters always go before notice waiters, first come first
    /// served within a priority. An unpaced channel returns at once unless <see cref="SlowDown"/> paused it.
    /// A cancelled waiter leaves the queue without using any budget.
    /// </summary>
    public ValueTask WaitAsync(string channelKey, int cost, SendPriority priority, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        return Lane(channelKey).WaitAsync(cost, priority, ct);
    }

    /// <summary>
    /// The provider answered 429 (or sent Retry-After): nothing more goes on the channel until
    /// <paramref name="retryAfter"/> has passed (clamped to [1 s, 10 min]; 1 s when the provider gave none), and the
    /// rate is halved. After the pause it climbs back by 5% of the configured rate each second (half to full in
    /// 10 s): add a little at a time, halve at once, the way TCP finds a link's capacity.
    /// </summary>
    public void SlowDown(string channelKey, TimeSpan? retryAfter)
    {
        var pause = TimeSpan.FromTicks(Math.Clamp((retryAfter ?? MinPause).Ticks, MinPause.Ticks, MaxPause.Ticks));
        Lane(channelKey).SlowDown(pause);
    }

    internal static readonly TimeSpan MinPause = TimeSpan.FromSeconds(1), MaxPause = TimeSpan.FromMinutes(10);

    private PacingLane Lane(string channelKey) =>
        _lanes.GetOrAdd(channelKey, key => new PacingLane(_time, _rateOf(key) is > 0 and var rate && double.IsFinite(rate) ? rate : null, _window));

    public void Dispose()
    {
        foreach (var lane in _lanes.Values) lane.Dispose();
    }
}
