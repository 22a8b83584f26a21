using Gateway.App.Features.Outbound.Pacing;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.App.Tests.Outbound.Pacing;

/// <summary>
/// The pacer on simulated time: grants are observed as completed tasks after each step of the clock, so "when" is
/// exact. Steps are small because a fake timer fires at the step's end, not at its due time.
/// </summary>
public sealed class ChannelPacerTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero));

    private ChannelPacer Pacer(double? rate) => new(_time, key => key == "sms" ? rate : null);

    private static Task Wait(ChannelPacer pacer, int cost = 1, SendPriority priority = SendPriority.Notice, CancellationToken ct = default) =>
        pacer.WaitAsync("sms", cost, priority, ct).AsTask();

    private void Run(TimeSpan span)
    {
        for (var t = TimeSpan.Zero; t < span; t += Step) _time.Advance(Step);
    }

    [Fact]
    public void Should_let_an_unpaced_channel_send_at_once()
    {
        var pacer = Pacer(rate: null);
        for (var i = 0; i < 10_000; i++)
            Assert.True(pacer.WaitAsync("zalo", 5, SendPriority.Notice, default).IsCompletedSuccessfully);
    }

    [Fact]
    public void Should_treat_a_rate_of_zero_as_unpaced()
    {
        var pacer = Pacer(rate: 0);
        for (var i = 0; i < 1000; i++) Assert.True(Wait(pacer).IsCompletedSuccessfully);
    }

    [Fact]
    public void Should_send_one_seconds_worth_at_once_then_hold_the_rest()
    {
        var pacer = Pacer(rate: 10);
        var waits = Enumerable.Range(0, 25).Select(_ => Wait(pacer)).ToList();
        Assert.Equal(10, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(10, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(20, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void Should_never_exceed_the_rate_in_any_second_yet_reach_it()
    {
        const double rate = 7;
        const int seconds = 60;
        var pacer = Pacer(rate);
        var random = new Random(42);
        var pending = new List<(Task Task, int Cost)>();
        var granted = new List<(TimeSpan At, int Cost)>();
        var elapsed = TimeSpan.Zero;
        while (elapsed < TimeSpan.FromSeconds(seconds))
        {
            // Always more work than budget, in SMS segments of 1–3, from both priorities.
            while (pending.Count < 50)
            {
                var cost = random.Next(1, 4);
                pending.Add((Wait(pacer, cost, random.Next(4) == 0 ? SendPriority.Conversation : SendPriority.Notice), cost));
            }
            foreach (var done in pending.Where(p => p.Task.IsCompleted).ToList())
            {
                granted.Add((elapsed, done.Cost));
                pending.Remove(done);
            }
            _time.Advance(Step);
            elapsed += Step;
        }

        foreach (var (start, _) in granted)
            Assert.True(granted.Where(g => g.At >= start && g.At < start + TimeSpan.FromSeconds(1)).Sum(g => g.Cost) <= rate,
                $"more than {rate} units in the second from {start}");
        var sent = granted.Sum(g => g.Cost);
        // Mixed whole segments under strict FIFO leave a remainder in some seconds (389 of 420 when written);
        // unit costs reach the rate exactly (the next test).
        Assert.True(sent >= 0.9 * rate * seconds, $"sent {sent} units in {seconds} s at {rate}/s");
    }

    [Fact]
    public void Should_reach_the_rate_exactly_with_single_units()
    {
        var pacer = Pacer(rate: 20);
        var waits = Enumerable.Range(0, 5000).Select(_ => Wait(pacer)).ToList();
        Run(TimeSpan.FromSeconds(30) - Step); // up to 29.99 s: 30 windows opened
        Assert.Equal(20 * 30, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void Should_count_segments_not_messages()
    {
        var pacer = Pacer(rate: 10);
        var three = Wait(pacer, cost: 3);
        var six = Wait(pacer, cost: 6);
        var two = Wait(pacer, cost: 2); // 3 + 6 + 2 > 10
        Assert.True(three.IsCompleted && six.IsCompleted);
        Assert.False(two.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(two.IsCompleted);
    }

    [Fact]
    public void Should_send_a_message_costing_more_than_a_second_alone_and_hold_the_channel_for_it()
    {
        var pacer = Pacer(rate: 2);
        var big = Wait(pacer, cost: 6); // 3 s worth
        var next = Wait(pacer);
        Assert.True(big.IsCompleted);
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompleted);
    }

    [Fact]
    public void Should_pace_a_rate_below_one_a_second()
    {
        var pacer = Pacer(rate: 0.5);
        var waits = Enumerable.Range(0, 5).Select(_ => Wait(pacer)).ToList();
        Assert.Equal(1, waits.Count(w => w.IsCompleted));
        Run(TimeSpan.FromSeconds(2));
        Assert.Equal(2, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public void Should_send_a_conversation_queued_after_100_notices_next()
    {
        var pacer = Pacer(rate: 1);
        Assert.True(Wait(pacer).IsCompleted); // the budget is used
        var notices = Enumerable.Range(0, 100).Select(_ => Wait(pacer, priority: SendPriority.Notice)).ToList();
        var reply = Wait(pacer, priority: SendPriority.Conversation);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(reply.IsCompleted);
        Assert.DoesNotContain(notices, n => n.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(notices[0].IsCompleted);
        Assert.Single(notices, n => n.IsCompleted);
    }

    [Fact]
    public void Should_keep_first_come_first_served_within_a_priority()
    {
        var pacer = Pacer(rate: 1);
        Wait(pacer);
        var first = Wait(pacer, cost: 1);
        var second = Wait(pacer, cost: 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(first.IsCompleted);
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public void Should_not_let_a_notice_jump_a_waiting_conversation_when_budget_frees()
    {
        var pacer = Pacer(rate: 2);
        Wait(pacer, cost: 2);
        var reply = Wait(pacer, cost: 2, SendPriority.Conversation);
        var notice = Wait(pacer, cost: 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(reply.IsCompleted);
        Assert.False(notice.IsCompleted); // it would fit a single unit, but it is behind the reply
    }

    [Fact]
    public void Should_grant_exactly_the_budget_to_many_concurrent_senders()
    {
        var pacer = Pacer(rate: 100);
        var waits = new Task[10_000];
        Parallel.For(0, waits.Length, i => waits[i] = Wait(pacer, priority: i % 3 == 0 ? SendPriority.Conversation : SendPriority.Notice));
        Assert.Equal(100, waits.Count(w => w.IsCompleted));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(200, waits.Count(w => w.IsCompleted));
    }

    [Fact]
    public async Task Should_not_spend_budget_on_a_cancelled_waiter()
    {
        var pacer = Pacer(rate: 1);
        Wait(pacer);
        using var cts = new CancellationTokenSource();
        var impatient = Wait(pacer, ct: cts.Token);
        var patient = Wait(pacer);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(patient.IsCompletedSuccessfully); // took the slot the cancelled one would have had
    }

    [Fact]
    public void Should_let_smaller_waiters_go_when_the_big_head_gives_up()
    {
        var pacer = Pacer(rate: 5);
        Wait(pacer, cost: 3);
        using var cts = new CancellationTokenSource();
        var big = Wait(pacer, cost: 5, ct: cts.Token);
        var small = Wait(pacer, cost: 2);
        Assert.False(small.IsCompleted);
        cts.Cancel();
        Assert.True(small.IsCompletedSuccessfully);
    }

    [Fact]
    public void Should_return_cancelled_for_a_token_already_cancelled_without_spending()
    {
        var pacer = Pacer(rate: 1);
        Assert.True(pacer.WaitAsync("sms", 1, SendPriority.Conversation, new CancellationToken(true)).IsCanceled);
        Assert.True(Wait(pacer).IsCompletedSuccessfully);
    }

    [Fact]
    public void Should_hold_everything_until_retry_after_then_halve_the_rate_and_recover()
    {
        var pacer = Pacer(rate: 10);
        pacer.SlowDown("sms", TimeSpan.FromSeconds(5));
        var waits = Enumerable.Range(0, 200).Select(_ => Wait(pacer)).ToList();
        Run(TimeSpan.FromSeconds(5) - Step);
        Assert.DoesNotContain(waits, w => w.IsCompleted);
        _time.Advance(Step); // 5 s: the pause is over, at half the rate
        Assert.Equal(5, waits.Count(w => w.IsCompleted));
        Run(TimeSpan.FromSeconds(1)); // 6 s: 5% of 10 back → 5.5, whole units: 5
        Assert.Equal(10, waits.Count(w => w.IsCompleted));
        Run(TimeSpan.FromSeconds(1)); // 7 s: 6
        Assert.Equal(16, waits.Count(w => w.IsCompleted));
        Run(TimeSpan.FromSeconds(10)); // recovered to 10 a second
        var before = waits.Count(w => w.IsCompleted);
        Run(TimeSpan.FromSeconds(1));
        Assert.Equal(10, waits.Count(w => w.IsCompleted) - before);
    }

    [Fact]
    public void Should_clamp_retry_after_to_at_least_a_second_and_at_most_ten_minutes()
    {
        var pacer = Pacer(rate: 100);
        pacer.SlowDown("sms", TimeSpan.Zero);
        var soon = Wait(pacer);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(soon.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(soon.IsCompleted);

        pacer.SlowDown("sms", TimeSpan.FromHours(3));
        var later = Wait(pacer);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(later.IsCompleted);
    }

    [Fact]
    public void Should_pause_an_unpaced_channel_too_when_the_provider_says_so()
    {
        var pacer = Pacer(rate: null);
        pacer.SlowDown("zalo", retryAfter: null);
        var held = pacer.WaitAsync("zalo", 1, SendPriority.Conversation, default).AsTask();
        Assert.False(held.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(held.IsCompleted);
        Assert.True(pacer.WaitAsync("zalo", 1, SendPriority.Notice, default).IsCompletedSuccessfully);
    }

    [Fact]
    public void Should_keep_channels_apart()
    {
        var pacer = new ChannelPacer(_time, _ => 1);
        Assert.True(pacer.WaitAsync("a", 1, SendPriority.Notice, default).IsCompleted);
        Assert.True(pacer.WaitAsync("b", 1, SendPriority.Notice, default).IsCompleted);
        Assert.False(pacer.WaitAsync("a", 1, SendPriority.Notice, default).IsCompleted);
    }
}

public sealed class ChannelPacerCancellationRaceTests
{
    [Fact]
    public async Task Should_survive_tokens_cancelled_while_waiters_register()
    {
        // Cancelling while WaitAsync registers runs the callback inline under the lane's lock (which is re-entrant).
        var time = new FakeTimeProvider();
        using var pacer = new ChannelPacer(time, _ => 1);
        await pacer.WaitAsync("sms", 1, SendPriority.Notice, default);
        var waits = new List<Task>();
        for (var i = 0; i < 2000; i++)
        {
            using var cts = new CancellationTokenSource();
            var cancel = Task.Run(cts.Cancel);
            waits.Add(pacer.WaitAsync("sms", 1, SendPriority.Notice, cts.Token).AsTask());
            await cancel;
        }
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(waits));
        Assert.All(waits, w => Assert.True(w.IsCanceled));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(pacer.WaitAsync("sms", 1, SendPriority.Notice, default).IsCompletedSuccessfully); // nobody spent the budget
    }
}
