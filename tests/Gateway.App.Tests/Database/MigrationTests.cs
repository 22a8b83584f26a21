using System.Text.RegularExpressions;
using Dapper;
using Gateway.App.Infrastructure.Database;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.App.Tests.Database;

/// <summary>Schema changes are dated .sql files, one folder per dialect with the same names, applied once each, in order.</summary>
public sealed partial class MigrationTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gateway-app-tests", "migrations-" + Guid.NewGuid().ToString("N"));

    private static IReadOnlyList<string> Names(DatabaseProvider provider) => Migrator.Scripts(provider).Select(s => s.Name).ToList();

    [Fact]
    public void Should_ship_the_same_migration_files_for_sqlite_and_sqlserver()
    {
        var sqlite = Names(DatabaseProvider.Sqlite);
        var sqlServer = Names(DatabaseProvider.SqlServer);

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite, sqlServer);
        Assert.All(sqlite, name => Assert.Matches(DatedName(), name));
        Assert.Equal(sqlite.Order(StringComparer.Ordinal), sqlite); // applied in name order = date order
    }

    [Fact]
    public void Should_create_the_same_tables_and_columns_in_both_dialects()
    {
        // On SQLite the ingest log is a file of its own with its own scripts; on SQL Server its table is in the main ones.
        var ingest = Migrator.Scripts(Migrator.IngestLogFolder).ToDictionary(s => s.Name[..14], s => s.Sql); // by date and number
        Assert.Contains("ingest_log", Tables(ingest.Values.First()).Keys);
        var sqlite = Migrator.Scripts(DatabaseProvider.Sqlite).ToDictionary(s => s.Name, s => Tables(s.Sql + (ingest.TryGetValue(s.Name[..14], out var log) ? "\n" + log : "")));
        var initial = sqlite[Names(DatabaseProvider.Sqlite)[0]];
        Assert.Contains("provider_message_id", initial["messages"]); // the reader sees columns, not just table names
        Assert.Contains("open_key", initial["conversations"]);
        foreach (var (name, sql) in Migrator.Scripts(DatabaseProvider.SqlServer))
        {
            var expected = sqlite[name];
            var actual = Tables(sql);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var table in expected.Keys)
                Assert.True(expected[table].SetEquals(actual[table]),
                    $"{name}: table {table} has columns [{string.Join(", ", expected[table].Order())}] in sqlite but [{string.Join(", ", actual[table].Order())}] in sqlserver");
        }
    }

    [Fact]
    public async Task Should_apply_each_migration_once()
    {
        var db = new Db(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "gateway.db")}" }));
        var migrator = new Migrator(db, new IngestLogDb(db, Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "gateway.db")}" })), NullLogger<Migrator>.Instance);
        var scripts = Names(DatabaseProvider.Sqlite);

        Assert.Equal(scripts.Count + Migrator.Scripts(Migrator.IngestLogFolder).Count, await migrator.MigrateAsync());
        Assert.True(File.Exists(Path.Combine(_folder, "gateway-ingest.db"))); // the ingest log's own file, beside the database
        Assert.Equal(0, await migrator.MigrateAsync());
        Assert.Equal(0, await new Migrator(db, new IngestLogDb(db, Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "gateway.db")}" })), NullLogger<Migrator>.Instance).MigrateAsync()); // a restart

        await using var c = await db.OpenAsync();
        Assert.Equal(scripts, (await c.QueryAsync<string>("SELECT name FROM schema_migrations ORDER BY name")).ToList());
        var tables = (await c.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "residents", "conversations", "messages", "outbox", "officials", "sessions", "audit_log" }, tables);
    }

    /// <summary>Table name → column names, read from the CREATE TABLE statements of a script.</summary>
    private static Dictionary<string, HashSet<string>> Tables(string sql)
    {
        var tables = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (Match table in CreateTable().Matches(sql))
        {
            var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in table.Groups["body"].Value.Split('\n'))
            {
                var column = ColumnName().Match(line);
                if (!column.Success) continue;
                var word = column.Groups[1].Value;
                if (word.ToUpperInvariant() is "PRIMARY" or "UNIQUE" or "FOREIGN" or "CONSTRAINT" or "CHECK" or "INDEX") continue;
                columns.Add(word);
            }
            tables[table.Groups["name"].Value] = columns;
        }
        return tables;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}-\d{3}-[a-z0-9-]+\.sql$")]
    private static partial Regex DatedName();

    [GeneratedRegex(@"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<name>\w+)\s*\((?<body>.*?)\n\);", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_]*)\s+\S")]
    private static partial Regex ColumnName();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
