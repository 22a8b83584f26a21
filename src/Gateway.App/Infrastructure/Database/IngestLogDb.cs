using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Gateway.App.Infrastructure.Database;

/// <summary>
/// Where the write-ahead ingest log lives. On SQLite a file of its own beside the main one (<c>gateway.db</c> →
/// <c>gateway-ingest.db</c>, or <c>Database:IngestLogConnectionString</c>): its single writer is the ingest writer
/// alone, so a burst's commits never queue behind routing, and its table has no secondary index to keep up. On SQL
/// Server it is the <c>ingest_log</c> table of the main database.
/// </summary>
public sealed class IngestLogDb
{
    private readonly Db _db;
    private readonly DatabaseOptions _options;
    private readonly string? _connectionString;
    private readonly WriteGate _gate = new();

    public IngestLogDb(Db db, IOptions<DatabaseOptions> options)
    {
        _db = db;
        _options = options.Value;
        if (db.Provider != DatabaseProvider.Sqlite) return;
        var configured = _options.IngestLogConnectionString;
        if (string.IsNullOrWhiteSpace(configured))
        {
            var main = new SqliteConnectionStringBuilder(_options.ConnectionString);
            var path = Path.GetFullPath(main.DataSource);
            main.DataSource = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "-ingest" + Path.GetExtension(path));
            configured = main.ToString();
        }
        _connectionString = new SqliteConnectionStringBuilder(configured) { Pooling = true }.ToString();
    }

    public bool IsSeparateFile => _connectionString is not null;

    public SqlDialect Dialect => _db.Dialect;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (_connectionString is null) return await _db.OpenAsync(ct);
        DbConnection connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        if (connection is SqliteConnection)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_options.SqliteSynchronous}; PRAGMA busy_timeout=10000;";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    /// <summary>The log file's own writer queue (the ingest writer first, the mover's deletes after).</summary>
    public Task<IDisposable> WriteLockAsync(bool urgent = false, CancellationToken ct = default) =>
        _connectionString is null ? _db.WriteLockAsync(urgent, ct) : _gate.EnterAsync(urgent, ct);
}
