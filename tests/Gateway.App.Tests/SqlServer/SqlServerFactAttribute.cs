using Microsoft.Data.SqlClient;

namespace Gateway.App.Tests.SqlServer;

/// <summary>
/// A fact that needs a SQL Server: GATEWAY_TEST_SQLSERVER holds a connection string whose login may CREATE DATABASE.
/// No SQL Server runs on the project's machines or CI, so without it the test is skipped with the reason, under CI too.
/// </summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public const string Variable = "GATEWAY_TEST_SQLSERVER";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public SqlServerFactAttribute()
    {
        if (ConnectionString is null)
            Skip = $"{Variable} is not set: no SQL Server here (set it to a connection string of a server where the login may create a database)";
    }
}

/// <summary>A fresh database on the configured server, dropped on dispose.</summary>
public sealed class SqlServerDatabase : IAsyncDisposable
{
    private readonly string _server;

    private SqlServerDatabase(string server, string name, string connectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>The host's settings that put the gateway on this database.</summary>
    public IDictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["Database:ConnectionString"] = ConnectionString,
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>()) settings[k] = v;
        return settings;
    }

    public static async Task<SqlServerDatabase> CreateAsync()
    {
        var server = SqlServerFactAttribute.ConnectionString ?? throw new InvalidOperationException($"{SqlServerFactAttribute.Variable} is not set");
        var name = "gateway_test_" + Guid.NewGuid().ToString("N")[..12];
        var master = new SqlConnectionStringBuilder(server) { InitialCatalog = "master" }.ConnectionString;
        await using (var c = new SqlConnection(master))
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE [{name}]";
            await cmd.ExecuteNonQueryAsync();
        }
        return new SqlServerDatabase(server, name, new SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        SqlConnection.ClearAllPools();
        await using var c = new SqlConnection(new SqlConnectionStringBuilder(_server) { InitialCatalog = "master" }.ConnectionString);
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"ALTER DATABASE [{Name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{Name}]";
        await cmd.ExecuteNonQueryAsync();
    }
}
