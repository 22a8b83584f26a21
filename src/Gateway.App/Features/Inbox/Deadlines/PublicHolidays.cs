using System.Globalization;
using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>A day that differs from the usual week: a day off (a holiday, its compensatory day, an exchanged day) or a weekend day worked.</summary>
public sealed record PublicHoliday(DateOnly Date, string Kind, string Name, string? Source)
{
    public const string Holiday = "holiday", Compensatory = "compensatory", Swap = "swap", Work = "work";

    public static readonly string[] Kinds = [Holiday, Compensatory, Swap, Work];

    /// <summary>Every kind is a day off but <see cref="Work"/> (làm việc bù: a Saturday worked in exchange for a day off).</summary>
    public bool IsDayOff => Kind != Work;
}

/// <summary>
/// Vietnam's public holidays as the calendar reads them: the <c>public_holidays</c> table, or before it is loaded
/// the shipped file <c>Data/vn_public_holidays.csv</c> (2026 as decided, 2027 estimated: see the README there).
/// </summary>
public sealed class PublicHolidays
{
    public const string FileName = "vn_public_holidays.csv";

    private readonly Dictionary<DateOnly, PublicHoliday> _days;

    public PublicHolidays(IEnumerable<PublicHoliday> days)
    {
        _days = new Dictionary<DateOnly, PublicHoliday>();
        foreach (var day in days)
            if (!_days.TryAdd(day.Date, day)) throw new InvalidDataException($"public holidays: {day.Date:yyyy-MM-dd} is listed twice");
        Years = _days.Keys.Select(d => d.Year).ToHashSet();
    }

    public static readonly PublicHolidays None = new([]);

    private static readonly Lazy<PublicHolidays> EmbeddedFile = new(() => Parse(CsvTable.FromResource(typeof(PublicHolidays).Assembly, FileName)));

    /// <summary>The shipped file: the table's seed, and the calendar until the table is loaded.</summary>
    public static PublicHolidays Shipped => EmbeddedFile.Value;

    public IReadOnlyCollection<PublicHoliday> Days => _days.Values;

    /// <summary>The years that have at least one row: a year without any is a year the operator has not entered.</summary>
    public IReadOnlySet<int> Years { get; }

    public PublicHoliday? Find(DateOnly date) => _days.GetValueOrDefault(date);

    public static PublicHolidays Parse(string name, string csv) => Parse(CsvTable.Parse(name, csv));

    private static PublicHolidays Parse(CsvTable table)
    {
        int date = table.Column("date"), kind = table.Column("kind"), name = table.Column("name"), source = table.Column("source");
        var days = new List<PublicHoliday>();
        for (var i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            days.Add(Row(row[date], row[kind], row[name], row[source], $"{table.Name} row {i + 2}"));
        }
        return new PublicHolidays(days);
    }

    /// <summary>One day as written in the file or the table; throws with <paramref name="where"/> when it is not one.</summary>
    public static PublicHoliday Row(string date, string kind, string name, string? source, string where)
    {
        if (!DateOnly.TryParseExact(date.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            throw new InvalidDataException($"{where}: '{date}' is not a date (yyyy-MM-dd)");
        var k = kind.Trim().ToLowerInvariant();
        if (!PublicHoliday.Kinds.Contains(k))
            throw new InvalidDataException($"{where}: kind '{kind}' is not one of {string.Join(", ", PublicHoliday.Kinds)}");
        if (string.IsNullOrWhiteSpace(name)) throw new InvalidDataException($"{where}: the name is empty");
        return new PublicHoliday(day, k, name.Trim(), string.IsNullOrWhiteSpace(source) ? null : source.Trim());
    }
}
