namespace Gateway.App.Features.Outbound.Pacing;

/// <summary>
/// One channel's budget and queue of waiters. Everything happens under one lock, so concurrent senders are
/// granted in order and the sum in the window is exact.
/// </summary>
internal sealed class PacingLane : IDisposable
{
    private static readonly TimeSpan RecoveryStep = TimeSpan.FromSeconds(1);
    private readonly TimeSpan _window;
    private const double RecoveryPerSecond = 0.05, SlowestFraction = 1.0 / 16, Epsilon = 1e-9;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly double? _configuredRate;
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _conversations = new(), _notices = new();
    private readonly Queue<(TimeSpan Expires, int Cost)> _granted = new(); // expiry order is grant order
    private long _grantedCost;
    private ITimer? _timer;

    // SlowDown state: closed until _pausedUntil, then _reducedRate growing by RecoveryPerSecond × configured a second.
    private TimeSpan _pausedUntil;
    private double? _reducedRate;

    /// <param name="window">The sliding window the budget (rate × window) applies to; any second is a sum of such windows.</param>
    public PacingLane(TimeProvider time, double? configuredRate, TimeSpan? window = null)
    {
        _window = window ?? TimeSpan.FromSeconds(1);
        _time = time;
        _origin = time.GetTimestamp();
        _configuredRate = configuredRate;
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    public ValueTask WaitAsync(int cost, SendPriority priority, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return ValueTask.FromCanceled(ct);
        lock (_lock)
        {
            var now = Now;
            var queue = priority == SendPriority.Conversation ? _conversations : _notices;
            var ahead = queue.Count > 0 || (priority == SendPriority.Notice && _conversations.Count > 0);
            if (!ahead && CanGo(cost, now))
            {
                Grant(cost, now);
                return ValueTask.CompletedTask;
            }
            var waiter = new Waiter(this, cost);
            waiter.Node = queue.AddLast(waiter);
            waiter.Registration = ct.UnsafeRegister(static (state, token) => ((Waiter)state!).Lane.Cancel((Waiter)state!, token), waiter);
            Drain(now); // a new conversation head may be due sooner than the head the timer was set for
            return new ValueTask(waiter.Done.Task);
        }
    }

    public void SlowDown(TimeSpan pause)
    {
        lock (_lock)
        {
            var now = Now;
            if (_configuredRate is { } configured)
                _reducedRate = Math.Max(configured * SlowestFraction, RateAt(now) / 2);
            if (now + pause > _pausedUntil) _pausedUntil = now + pause;
            Drain(now);
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is not { } list) return; // granted already
            list.Remove(waiter.Node);
            Drain(Now); // it may have been the head holding smaller waiters back
        }
        waiter.Done.TrySetCanceled(token);
    }

    /// <summary>Grants heads while they fit, then sets the timer for the moment the next head will.</summary>
    private void Drain(TimeSpan now)
    {
        while ((_conversations.First ?? _notices.First) is { } node)
        {
            var waiter = node.Value;
            if (!CanGo(waiter.Cost, now))
            {
                if (DueFor(waiter.Cost, now) is var due && due != TimeSpan.MaxValue) Arm(due - now);
                return;
            }
            node.List!.Remove(node);
            Grant(waiter.Cost, now);
            waiter.Registration.Unregister(); // not Dispose: that waits for a running callback, which needs our lock
            waiter.Done.TrySetResult();
        }
    }

    private bool CanGo(int cost, TimeSpan now)
    {
        if (now < _pausedUntil) return false;
        if (_configuredRate is null) return true;
        while (_granted.TryPeek(out var oldest) && oldest.Expires <= now)
        {
            _granted.Dequeue();
            _grantedCost -= oldest.Cost;
        }
        return _grantedCost == 0 || _grantedCost + cost <= RateAt(now) * _window.TotalSeconds + Epsilon;
    }

    private void Grant(int cost, TimeSpan now)
    {
        if (_configuredRate is null || cost == 0) return;
        var rate = RateAt(now);
        var held = TimeSpan.FromSeconds(Math.Max(_window.TotalSeconds, cost / rate)); // oversized sends hold the lane longer
        _granted.Enqueue((now + held, cost));
        _grantedCost += cost;
    }

    /// <summary>The earliest moment <paramref name="cost"/> may fit: the pause ends, enough grants expire, or the rate steps up.</summary>
    private TimeSpan DueFor(int cost, TimeSpan now)
    {
        if (now < _pausedUntil) return _pausedUntil;
        var capacity = RateAt(now) * _window.TotalSeconds + Epsilon;
        var due = TimeSpan.MaxValue;
        var remaining = _grantedCost;
        foreach (var (expires, grantedCost) in _granted)
        {
            remaining -= grantedCost;
            if (remaining == 0 || remaining + cost <= capacity) { due = expires; break; }
        }
        return NextRateStep(now) is { } step && step < due ? step : due;
    }

    /// <summary>Rate at <paramref name="now"/>: the configured one, or the reduced one recovering in steps of a second.</summary>
    private double RateAt(TimeSpan now)
    {
        var configured = _configuredRate!.Value;
        if (_reducedRate is not { } reduced) return configured;
        var steps = now <= _pausedUntil ? 0 : Math.Floor((now - _pausedUntil) / RecoveryStep);
        var rate = reduced + configured * RecoveryPerSecond * steps;
        if (rate < configured) return rate;
        _reducedRate = null; // recovered
        return configured;
    }

    private TimeSpan? NextRateStep(TimeSpan now)
    {
        if (_reducedRate is null || now < _pausedUntil) return null;
        return _pausedUntil + RecoveryStep * (Math.Floor((now - _pausedUntil) / RecoveryStep) + 1);
    }

    private void Arm(TimeSpan delay)
    {
        _timer ??= _time.CreateTimer(static state => ((PacingLane)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        lock (_lock) Drain(Now); // an early wake-up just re-arms for the rest
    }

    public void Dispose()
    {
        lock (_lock) _timer?.Dispose();
    }

    private sealed class Waiter(PacingLane lane, int cost)
    {
        public readonly PacingLane Lane = lane;
        public readonly int Cost = cost;
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node;
        public CancellationTokenRegistration Registration;
    }
}
