using System.Reflection;
using Dapper;

namespace Gateway.App.Infrastructure.Database;

/// <summary>
/// Applies the embedded, dated <c>.sql</c> files of the configured dialect in name order, once each.
/// Schema changes are new files, never edits.
/// </summary>
public sealed class Migrator(Db db, IngestLogDb ingestLog, ILogger<Migrator> logger)
{
    private const string ResourceMarker = ".Infrastructure.Database.Migrations.";

    public static IReadOnlyList<(string Name, string Sql)> Scripts(DatabaseProvider provider) =>
        Scripts(provider == DatabaseProvider.Sqlite ? "sqlite" : "sqlserver");

    /// <summary>The ingest log's own file on SQLite; on SQL Server its table is in the main migrations.</summary>
    public const string IngestLogFolder = "ingest";

    public static IReadOnlyList<(string Name, string Sql)> Scripts(string folder)
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.Contains(ResourceMarker + folder + ".", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n[(n.IndexOf(ResourceMarker + folder + ".", StringComparison.Ordinal) + ResourceMarker.Length + folder.Length + 1)..], Resource: n))
            .OrderBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => (x.Name, Read(assembly, x.Resource)))
            .ToList();
    }

    public async Task<int> MigrateAsync(CancellationToken ct = default)
    {
        int count;
        await using (var connection = await db.OpenAsync(ct))
            count = await MigrateAsync(connection, Scripts(db.Provider), ct);
        if (ingestLog.IsSeparateFile)
        {
            await using var connection = await ingestLog.OpenAsync(ct);
            count += await MigrateAsync(connection, Scripts(IngestLogFolder), ct);
        }
        return count;
    }

    private async Task<int> MigrateAsync(System.Data.Common.DbConnection connection, IReadOnlyList<(string Name, string Sql)> scripts, CancellationToken ct)
    {
        await connection.ExecuteAsync(db.Dialect.IsSqlite
            ? "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
            : "IF OBJECT_ID('schema_migrations') IS NULL CREATE TABLE schema_migrations (name NVARCHAR(200) NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
        var applied = (await connection.QueryAsync<string>("SELECT name FROM schema_migrations")).ToHashSet();
        var count = 0;
        foreach (var (name, sql) in scripts)
        {
            if (applied.Contains(name)) continue;
            await using var tx = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(sql, transaction: tx);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (name, applied_at) VALUES (@name, @at)",
                new { name, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx);
            await tx.CommitAsync(ct);
            logger.LogInformation("Applied migration {Migration}", name);
            count++;
        }
        return count;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
