using System.Data.Common;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Infrastructure.Outbox;

/// <summary>One write transaction and the bus messages it decided to send (written to the outbox inside it).</summary>
public sealed class WriteTransaction(DbConnection connection, DbTransaction transaction, SqlDialect dialect, long now)
{
    private readonly List<OutboxEntry> _entries = [];

    public DbConnection Connection => connection;
    public DbTransaction Tx => transaction;
    public SqlDialect Dialect => dialect;
    /// <summary>The transaction's clock reading: every row it writes carries the same time.</summary>
    public long Now => now;
    public IReadOnlyList<OutboxEntry> Entries => _entries;

    /// <summary>Writes the message's outbox row in this transaction; it is published once the transaction commits.</summary>
    public async Task PublishAsync(object message)
    {
        var entry = OutboxEntry.For(message);
        await entry.WriteAsync(connection, transaction, now);
        _entries.Add(entry);
    }

    /// <summary>An entry already written in this transaction (by <see cref="OutboxEntry.WriteAsync"/>) to publish after commit.</summary>
    public void Publish(OutboxEntry entry) => _entries.Add(entry);
}

/// <summary>
/// The one way to write: open, take the write gate (SQLite's single writer), begin, do the work, commit, and
/// only then hand the outbox entries to the publisher. Nothing is published for a transaction that did not commit.
/// </summary>
public sealed class DbWriter(Db db, OutboxPublisher outbox, TimeProvider time)
{
    public Db Db => db;

    public async Task<T> WriteAsync<T>(Func<WriteTransaction, Task<T>> work, bool urgent = false, CancellationToken ct = default)
    {
        await using var connection = await db.OpenAsync(ct);
        return await WriteAsync(connection, work, urgent, ct);
    }

    public Task WriteAsync(Func<WriteTransaction, Task> work, bool urgent = false, CancellationToken ct = default) =>
        WriteAsync<bool>(async w => { await work(w); return true; }, urgent, ct);

    /// <summary>On a connection the caller keeps open (the ingest writer reuses one across batches).</summary>
    public async Task<T> WriteAsync<T>(DbConnection connection, Func<WriteTransaction, Task<T>> work, bool urgent = false, CancellationToken ct = default)
    {
        T result;
        WriteTransaction write;
        using (await db.WriteLockAsync(urgent, ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            write = new WriteTransaction(connection, tx, db.Dialect, time.NowMs());
            result = await work(write);
            await tx.CommitAsync(ct);
        }
        outbox.Enqueue(write.Entries);
        return result;
    }
}
