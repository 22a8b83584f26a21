using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Gateway.App.Infrastructure.Database;

/// <summary>Opens connections for the configured provider; every feature's SQL runs through Dapper on these.</summary>
public sealed class Db
{
    private readonly DatabaseOptions _options;
    private readonly string _connectionString;

    public Db(IOptions<DatabaseOptions> options)
    {
        _options = options.Value;
        _connectionString = _options.Provider == DatabaseProvider.Sqlite
            ? PrepareSqlite(_options.ConnectionString)
            : _options.ConnectionString;
        Dialect = SqlDialect.For(_options.Provider);
    }

    public SqlDialect Dialect { get; }

    private readonly WriteGate _gate = new();

    /// <summary>
    /// Take before a write transaction (and release after commit). Queues writers on SQLite's single write
    /// lock instead of letting them sleep-and-retry; a no-op on SQL Server.
    /// </summary>
    public Task<IDisposable> WriteLockAsync(bool urgent = false, CancellationToken ct = default) =>
        _options.Provider == DatabaseProvider.Sqlite ? _gate.EnterAsync(urgent, ct) : Task.FromResult(WriteGate.None);
    public DatabaseProvider Provider => _options.Provider;

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = _options.Provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(_connectionString)
            : new SqlConnection(_connectionString);
        await connection.OpenAsync(ct);
        if (connection is SqliteConnection)
        {
            await using var cmd = connection.CreateCommand();
            // WAL lets readers run beside the writer; busy_timeout waits instead of failing under contention.
            cmd.CommandText = $"PRAGMA journal_mode=WAL; PRAGMA synchronous={_options.SqliteSynchronous}; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return connection;
    }

    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        return builder.ToString();
    }
}
