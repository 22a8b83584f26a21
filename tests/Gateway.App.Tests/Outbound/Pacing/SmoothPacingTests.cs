using Gateway.App.Features.Outbound.Pacing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.App.Tests.Outbound.Pacing;

/// <summary>The production pacer spreads a second's budget over tenths of a second, so the provider never sees a burst.</summary>
public sealed class SmoothPacingTests
{
    [Fact]
    public async Task Should_grant_at_most_a_tenth_of_the_rate_in_any_tenth_of_a_second_and_still_reach_the_rate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        using var pacer = new ChannelPacer(time, _ => 200, ChannelPacer.SmoothWindow);
        var granted = new List<TimeSpan>();
        var start = time.GetTimestamp();
        var waits = Enumerable.Range(0, 1000).Select(async _ =>
        {
            await pacer.WaitAsync("sms", 1, SendPriority.Notice, CancellationToken.None);
            lock (granted) granted.Add(time.GetElapsedTime(start));
        }).ToList();
        for (var i = 0; i < 600 && waits.Any(w => !w.IsCompleted); i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Yield();
        }
        await Task.WhenAll(waits);

        var sorted = granted.Order().ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            Assert.True(sorted.Count(t => t >= sorted[i] && t < sorted[i] + TimeSpan.FromMilliseconds(100)) <= 20, $"more than 20 granted in the 100 ms after {sorted[i]}");
            Assert.True(sorted.Count(t => t >= sorted[i] && t < sorted[i] + TimeSpan.FromSeconds(1)) <= 200, $"more than 200 granted in the second after {sorted[i]}");
        }
        Assert.True(sorted[^1] <= TimeSpan.FromSeconds(5.2), $"1,000 at 200/s should take about 5 s, took {sorted[^1]}");
    }
}
