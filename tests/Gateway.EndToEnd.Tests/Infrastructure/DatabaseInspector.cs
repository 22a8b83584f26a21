using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Opens the gateway's SQLite file read-only, independent of its schema: finds every row, in any table,
/// that holds a given string. Proves "nothing stored" without knowing table names.
/// </summary>
public static class DatabaseInspector
{
    public static List<(string Table, string Row)> RowsContaining(string databasePath, string needle)
    {
        var found = new List<(string, string)>();
        if (!File.Exists(databasePath)) return found;
        var cs = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(cs);
        connection.Open();
        using (var busy = connection.CreateCommand())
        {
            busy.CommandText = "PRAGMA busy_timeout = 5000";
            busy.ExecuteNonQuery();
        }
        var tables = new List<string>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        foreach (var table in tables)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table.Replace("\"", "\"\"")}\"";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    var value = reader.GetValue(i) switch
                    {
                        string s => s,
                        byte[] b => System.Text.Encoding.UTF8.GetString(b),
                        _ => null,
                    };
                    if (value is not null && value.Contains(needle, StringComparison.Ordinal))
                    {
                        found.Add((table, DescribeRow(reader)));
                        break;
                    }
                }
            }
        }
        return found;
    }

    private static string DescribeRow(SqliteDataReader reader)
    {
        var cells = new List<string>();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var v = reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
            if (v.Length > 60) v = v[..60] + "…";
            cells.Add($"{reader.GetName(i)}={v}");
        }
        return string.Join(", ", cells);
    }
}
