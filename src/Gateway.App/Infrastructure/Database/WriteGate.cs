namespace Gateway.App.Infrastructure.Database;

/// <summary>
/// SQLite has one write lock. Left to itself, every writer that finds it busy sleeps 1–100 ms and retries
/// with no fairness, holding a thread each; under load, grouped ingest commits waited 80–260 ms to start
/// (measured: ~2k webhooks/s). Queuing writers here instead hands the lock over without sleeping, and
/// lets ingest — the path a provider is waiting on — go first. SQL Server has row locks: no gate there.
/// </summary>
public sealed class WriteGate
{
    private readonly object _sync = new();
    private readonly Queue<TaskCompletionSource<IDisposable>> _urgent = new();
    private readonly Queue<TaskCompletionSource<IDisposable>> _normal = new();
    private bool _held;

    public static readonly IDisposable None = new Lease(null);

    /// <param name="urgent">Ingest: answered webhooks wait on it.</param>
    public Task<IDisposable> EnterAsync(bool urgent, CancellationToken ct = default)
    {
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return Task.FromResult<IDisposable>(new Lease(this));
            }
            var waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _normal).Enqueue(waiter);
            return ct.CanBeCanceled ? WaitAsync(waiter, ct) : waiter.Task;
        }
    }

    private static async Task<IDisposable> WaitAsync(TaskCompletionSource<IDisposable> waiter, CancellationToken ct)
    {
        // The registration is disposed with the wait; a cancelled waiter stays queued and is skipped by Exit.
        await using (ct.Register(() => waiter.TrySetCanceled(ct)))
            return await waiter.Task;
    }

    private void Exit()
    {
        while (true)
        {
            TaskCompletionSource<IDisposable>? next;
            lock (_sync)
            {
                if (!_urgent.TryDequeue(out next) && !_normal.TryDequeue(out next))
                {
                    _held = false;
                    return;
                }
            }
            // A waiter cancelled meanwhile is skipped; the lock passes to the one after it.
            if (next.TrySetResult(new Lease(this))) return;
        }
    }

    private sealed class Lease(WriteGate? gate) : IDisposable
    {
        private WriteGate? _gate = gate;
        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Exit();
    }
}
