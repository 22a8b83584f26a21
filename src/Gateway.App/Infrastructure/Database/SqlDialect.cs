namespace Gateway.App.Infrastructure.Database;

/// <summary>The few statements that differ between SQLite and SQL Server; everything else is common SQL.</summary>
public sealed record SqlDialect(DatabaseProvider Provider)
{
    public static SqlDialect For(DatabaseProvider provider) => new(provider);

    public bool IsSqlite => Provider == DatabaseProvider.Sqlite;

    /// <summary>Page clause after ORDER BY: parameters @Offset and @Limit.</summary>
    public string Page => IsSqlite ? "LIMIT @Limit OFFSET @Offset" : "OFFSET @Offset ROWS FETCH NEXT @Limit ROWS ONLY";

    /// <summary>First N rows: SQLite puts LIMIT at the end, SQL Server TOP after SELECT.</summary>
    /// <summary>A short text column type, for CASTs.</summary>
    public string TextType => IsSqlite ? "TEXT" : "NVARCHAR(40)";

    public string TopPrefix(string n) => IsSqlite ? "" : $"TOP ({n})";
    public string LimitSuffix(string n) => IsSqlite ? $"LIMIT {n}" : "";

    /// <summary>Insert a row unless a unique key already holds it (the dedupe for provider retries).</summary>
    public string InsertIgnore(string table, string columns, string values, string existsWhere) => IsSqlite
        ? $"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({values})"
        : $"INSERT INTO {table} ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {existsWhere})";

    public string LastInsertId => IsSqlite ? "SELECT last_insert_rowid()" : "SELECT CAST(SCOPE_IDENTITY() AS BIGINT)";
}
