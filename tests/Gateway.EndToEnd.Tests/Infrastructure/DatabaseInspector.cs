using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Opens the gateway's SQLite file read-only, independent of its schema: walks every row of every table.
/// Proves "nothing stored" and "stored exactly once" without knowing table names.
/// </summary>
public static class DatabaseInspector
{
    /// <summary>One row: its table, its text cells (blobs read as UTF-8), and a short description for messages.</summary>
    public sealed record Row(string Table, IReadOnlyList<string> Texts, string[] Names, object?[] Values)
    {
        public string Describe() => string.Join(", ", Names.Select((name, i) =>
        {
            var v = Values[i] is null ? "null" : Convert.ToString(Values[i], CultureInfo.InvariantCulture) ?? "";
            return $"{name}={(v.Length > 60 ? v[..60] + "…" : v)}";
        }));
    }

    public static IEnumerable<Row> Rows(string databasePath)
    {
        if (!File.Exists(databasePath)) yield break;
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
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            while (reader.Read())
            {
                var values = new object?[reader.FieldCount];
                var texts = new List<string>();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    if (values[i] is string s) texts.Add(s);
                    else if (values[i] is byte[] b) texts.Add(System.Text.Encoding.UTF8.GetString(b));
                }
                yield return new Row(table, texts, names, values);
            }
        }
    }

    public static List<(string Table, string Row)> RowsContaining(string databasePath, string needle) =>
        Rows(databasePath)
            .Where(r => r.Texts.Any(t => t.Contains(needle, StringComparison.Ordinal)))
            .Select(r => (r.Table, r.Describe()))
            .ToList();
}
