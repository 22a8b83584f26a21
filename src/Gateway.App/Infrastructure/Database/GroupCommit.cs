using System.Data.Common;
using System.Threading.Channels;

namespace Gateway.App.Infrastructure.Database;

/// <summary>
/// Small writes that should be recorded the moment they are known (a provider's answer to one send), grouped: every
/// write waiting when the writer comes round goes into one transaction, so a send's result is committed within
/// milliseconds of its answer without a commit (an fsync, and the SQLite write lock) for each. If the group fails,
/// each write is retried alone so one bad row cannot fail the others.
/// </summary>
public sealed class GroupCommit(Db db, TimeProvider time, ILogger<GroupCommit> logger) : BackgroundService
{
    public delegate Task Write(DbConnection connection, DbTransaction tx, long now);

    private readonly Channel<(Write Work, TaskCompletionSource Done)> _queue = Channel.CreateUnbounded<(Write, TaskCompletionSource)>(new() { SingleReader = true });

    /// <summary>Completes once the write is committed.</summary>
    public Task WriteAsync(Write work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((work, done))) done.SetException(new InvalidOperationException("The gateway is stopping"));
        return done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(Write Work, TaskCompletionSource Done)>();
        // At shutdown the queue is closed but what is in it is still written: results of sends already made. A result
        // arriving later is refused; its row keeps its lease and is settled by the sweep like any interrupted send.
        await using var closing = stoppingToken.Register(() => _queue.Writer.TryComplete());
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < 256 && _queue.Reader.TryRead(out var w)) batch.Add(w);
            try
            {
                await RunAsync(batch);
                foreach (var (_, done) in batch) done.TrySetResult();
            }
            catch (Exception ex) when (batch.Count > 1)
            {
                logger.LogWarning(ex, "A group of {Count} writes failed; writing them one by one", batch.Count);
                foreach (var item in batch)
                {
                    try { await RunAsync([item]); item.Done.TrySetResult(); }
                    catch (Exception one) { item.Done.TrySetException(one); }
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in batch) done.TrySetException(ex);
            }
        }
    }

    private async Task RunAsync(IReadOnlyList<(Write Work, TaskCompletionSource Done)> batch)
    {
        await using var connection = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var now = time.NowMs();
        foreach (var (work, _) in batch) await work(connection, tx, now);
        await tx.CommitAsync();
    }
}
