using System.Diagnostics;
using Gateway.App.Features.Outbound.Pacing;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Outbound.Pacing;

/// <summary>
/// The pacer on the real clock with many concurrent senders. Only the upper bound is asserted: it holds however
/// slow the machine is; the achieved rate is printed, not asserted.
/// </summary>
public sealed class ChannelPacerRealTimeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_never_send_more_than_the_rate_allows_on_the_real_clock()
    {
        const double rate = 50;
        const int seconds = 2;
        using var pacer = new ChannelPacer(TimeProvider.System, _ => rate);
        var sent = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var senders = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await pacer.WaitAsync("sms", 1, i % 4 == 0 ? SendPriority.Conversation : SendPriority.Notice, stop.Token);
                    Interlocked.Increment(ref sent);
                }
            }
            catch (OperationCanceledException) { }
        })).ToList();
        await Task.WhenAll(senders);
        var elapsed = clock.Elapsed.TotalSeconds;
        output.WriteLine($"{sent} sent in {elapsed:F2} s: {sent / elapsed:F1}/s of {rate}/s");
        Assert.True(sent <= rate * (Math.Ceiling(elapsed) + 1), $"{sent} sent in {elapsed:F2} s at {rate}/s");
    }
}
