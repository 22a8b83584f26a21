namespace Gateway.App.Infrastructure.Database;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default) or <c>SqlServer</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    public string ConnectionString { get; set; } = "Data Source=data/gateway.db";

    /// <summary>SQLite only: FULL survives power loss, NORMAL only a process crash. Grouped commits keep FULL affordable.</summary>
    /// <summary>SQLite only: the write-ahead ingest log's file; default <c>&lt;database&gt;-ingest.db</c> beside the main file.</summary>
    public string? IngestLogConnectionString { get; set; }

    public string SqliteSynchronous { get; set; } = "FULL";

    /// <summary>Apply migrations at start. Default: on for SQLite; for SQL Server run <c>--migrate</c> once per release.</summary>
    public bool? MigrateOnStart { get; set; }
}

public enum DatabaseProvider { Sqlite, SqlServer }
