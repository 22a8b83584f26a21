using System.Reflection;
using System.Text;

namespace Gateway.App.Features.Directory;

/// <summary>A small reader for the embedded data files: UTF-8, a header row, commas, optional RFC 4180 quoting, LF or CRLF.</summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string name, string[] header, List<string[]> rows)
    {
        Name = name;
        _columns = header.Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
        Rows = rows;
    }

    public string Name { get; }

    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The column's index; throws if the file lacks it, so a changed header fails at start-up, not later.</summary>
    public int Column(string name) =>
        _columns.TryGetValue(name, out var i) ? i : throw new InvalidDataException($"{Name}: no column '{name}'");

    public static CsvTable FromResource(Assembly assembly, string fileName)
    {
        var resource = assembly.GetManifestResourceNames()
            .SingleOrDefault(n => n.EndsWith("." + fileName, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"embedded resource {fileName} not found in {assembly.GetName().Name}");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(fileName, reader.ReadToEnd());
    }

    public static CsvTable Parse(string name, string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var fieldStarted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') { field.Append(c); continue; }
                if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; continue; }
                quoted = false;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }
        EndRecord();
        if (records.Count == 0) throw new InvalidDataException($"{name}: empty");

        var header = records[0];
        var rows = records.Skip(1).ToList();
        var bad = rows.FindIndex(r => r.Length != header.Length);
        if (bad >= 0) throw new InvalidDataException($"{name}: row {bad + 2} has {rows[bad].Length} fields, header has {header.Length}");
        return new CsvTable(name, header, rows);

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add([.. fields]);
            }
            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }
}
