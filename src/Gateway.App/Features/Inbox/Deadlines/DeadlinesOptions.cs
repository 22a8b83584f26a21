using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// A length of working time as written in configuration: <c>4h</c>, <c>30m</c>, <c>3d</c> (working days, each the
/// length of a working day: 7h30 by default), combined (<c>1d4h</c>), or a TimeSpan (<c>04:00:00</c>) of working time.
/// </summary>
public readonly partial record struct WorkingDuration(double Days, TimeSpan Time)
{
    public TimeSpan ToWorkingTime(WorkingSchedule schedule) => Time + schedule.DayLength * Days;

    public override string ToString() => Days == 0 ? Time.ToString() : Time == TimeSpan.Zero ? $"{Days.ToString(CultureInfo.InvariantCulture)}d" : $"{Days.ToString(CultureInfo.InvariantCulture)}d+{Time}";

    [GeneratedRegex(@"^(?:(?<d>\d+(?:\.\d+)?)\s*d)?\s*(?:(?<h>\d+(?:\.\d+)?)\s*h)?\s*(?:(?<m>\d+)\s*m(?:in)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Units();

    public static bool TryParse(string? text, out WorkingDuration duration)
    {
        duration = default;
        var s = text?.Trim() ?? "";
        if (s.Length == 0) return false;
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span) && s.Contains(':'))
        {
            if (span < TimeSpan.Zero) return false;
            duration = new WorkingDuration(0, span);
            return true;
        }
        var m = Units().Match(s);
        if (!m.Success || !(m.Groups["d"].Success || m.Groups["h"].Success || m.Groups["m"].Success)) return false;
        double Number(string group) => m.Groups[group].Success ? double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        duration = new WorkingDuration(Number("d"), TimeSpan.FromHours(Number("h")) + TimeSpan.FromMinutes(Number("m")));
        return true;
    }
}

/// <summary>The two deadlines of a conversation; null where a layer does not set one.</summary>
public sealed record DeadlineRule(WorkingDuration? FirstReply, WorkingDuration? Resolve)
{
    public static readonly DeadlineRule Empty = new(null, null);
}

/// <summary>
/// <c>Inbox:Deadlines</c>: how long, in working time counted from when the conversation opened, a commune has to
/// reply first and to resolve, by category and per province; how long past a deadline the gateway escalates to the
/// province; how often it checks.
/// <code>
/// Inbox:Deadlines:Default:FirstReply              4h      every conversation, uncategorized included
/// Inbox:Deadlines:Default:Resolve                 3d
/// Inbox:Deadlines:Default:{category}:FirstReply   (unset) a category, e.g. Default:land:Resolve = 10d
/// Inbox:Deadlines:Provinces:{code}:FirstReply     a province's own default, e.g. Provinces:25:FirstReply = 2h
/// Inbox:Deadlines:Provinces:{code}:{category}:Resolve
/// Inbox:Deadlines:EscalateAfter                   1d      working time past a deadline before escalating
/// Inbox:Deadlines:AutoEscalate                    true
/// Inbox:Deadlines:CheckInterval                   00:01:00
/// </code>
/// Each deadline is looked up from the most specific layer down: the province's category, the province's
/// default, the category, the default. Built in: first reply 4 working hours, resolution 3 working days; civil
/// status 5 and land 10 working days to resolve (their answers need records looked up, often a visit).
/// </summary>
public sealed class DeadlinesOptions
{
    public const string Section = "Inbox:Deadlines";

    public static readonly DeadlineRule BuiltInDefault = new(new WorkingDuration(0, TimeSpan.FromHours(4)), new WorkingDuration(3, TimeSpan.Zero));

    public static readonly IReadOnlyDictionary<string, DeadlineRule> BuiltInCategories = new Dictionary<string, DeadlineRule>
    {
        [ConversationCategory.CivilStatus] = new(null, new WorkingDuration(5, TimeSpan.Zero)),
        [ConversationCategory.Land] = new(null, new WorkingDuration(10, TimeSpan.Zero)),
    };

    public DeadlineRule Default { get; set; } = BuiltInDefault;
    public Dictionary<string, DeadlineRule> Categories { get; set; } = new(BuiltInCategories);
    public Dictionary<string, ProvinceDeadlines> Provinces { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Working time past a deadline before the conversation goes to the province on its own.</summary>
    public WorkingDuration EscalateAfter { get; set; } = new(1, TimeSpan.Zero);

    public bool AutoEscalate { get; set; } = true;

    /// <summary>How often <see cref="OverdueEscalator"/> looks for conversations past a deadline.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>What the configuration got wrong (start-up fails with these).</summary>
    public List<string> Problems { get; } = [];

    public sealed class ProvinceDeadlines
    {
        public DeadlineRule Default { get; set; } = DeadlineRule.Empty;
        public Dictionary<string, DeadlineRule> Categories { get; set; } = new(StringComparer.Ordinal);
    }

    /// <summary>The deadlines for a conversation of <paramref name="category"/> (null: uncategorized) in a province.</summary>
    public (WorkingDuration FirstReply, WorkingDuration Resolve) For(string provinceCode, string? category)
    {
        var province = Provinces.GetValueOrDefault(provinceCode);
        var layers = new[]
        {
            category is null ? null : province?.Categories.GetValueOrDefault(category),
            province?.Default,
            category is null ? null : Categories.GetValueOrDefault(category),
            Default,
            BuiltInDefault,
        };
        return (layers.Select(l => l?.FirstReply).First(d => d is not null)!.Value, layers.Select(l => l?.Resolve).First(d => d is not null)!.Value);
    }

    /// <summary>Reads the section (see the class summary for its shape), noting each problem in <see cref="Problems"/>.</summary>
    public void Read(IConfiguration section)
    {
        if (section[nameof(CheckInterval)] is { } interval)
        {
            if (TimeSpan.TryParse(interval, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) CheckInterval = t;
            else Problems.Add($"{Section}:{nameof(CheckInterval)}: '{interval}' is not a positive TimeSpan (e.g. 00:01:00)");
        }
        if (section[nameof(AutoEscalate)] is { } auto)
        {
            if (bool.TryParse(auto, out var a)) AutoEscalate = a;
            else Problems.Add($"{Section}:{nameof(AutoEscalate)}: '{auto}' is not true or false");
        }
        if (section[nameof(EscalateAfter)] is { } after)
        {
            if (WorkingDuration.TryParse(after, out var d)) EscalateAfter = d;
            else Problems.Add($"{Section}:{nameof(EscalateAfter)}: '{after}' is not a working duration (e.g. 1d, 4h, 30m, 1d4h)");
        }
        var defaults = section.GetSection(nameof(Default));
        Default = Merge(Default, defaults, $"{Section}:Default");
        foreach (var child in defaults.GetChildren().Where(c => !IsRuleKey(c.Key)))
            if (IsCategory(child, $"{Section}:Default"))
                Categories[child.Key.ToLowerInvariant()] = Merge(Categories.GetValueOrDefault(child.Key.ToLowerInvariant()) ?? DeadlineRule.Empty, child, $"{Section}:Default:{child.Key}");
        foreach (var p in section.GetSection(nameof(Provinces)).GetChildren())
        {
            var path = $"{Section}:Provinces:{p.Key}";
            var province = new ProvinceDeadlines { Default = Merge(DeadlineRule.Empty, p, path) };
            foreach (var child in p.GetChildren().Where(c => !IsRuleKey(c.Key)))
                if (IsCategory(child, path))
                    province.Categories[child.Key.ToLowerInvariant()] = Merge(DeadlineRule.Empty, child, $"{path}:{child.Key}");
            Provinces[p.Key] = province;
        }
    }

    private static bool IsRuleKey(string key) =>
        key.Equals(nameof(DeadlineRule.FirstReply), StringComparison.OrdinalIgnoreCase) || key.Equals(nameof(DeadlineRule.Resolve), StringComparison.OrdinalIgnoreCase);

    private bool IsCategory(IConfigurationSection child, string path)
    {
        if (ConversationCategory.All.Contains(child.Key.ToLowerInvariant())) return true;
        Problems.Add($"{path}:{child.Key}: not a category ({string.Join(", ", ConversationCategory.All)}) nor FirstReply/Resolve");
        return false;
    }

    private DeadlineRule Merge(DeadlineRule rule, IConfigurationSection section, string path)
    {
        WorkingDuration? Value(string key, WorkingDuration? current)
        {
            var text = section[key];
            if (text is null) return current;
            if (WorkingDuration.TryParse(text, out var d) && d.Days + d.Time.TotalDays > 0) return d;
            Problems.Add($"{path}:{key}: '{text}' is not a working duration (e.g. 4h, 30m, 3d, 1d4h)");
            return current;
        }
        return new DeadlineRule(Value(nameof(DeadlineRule.FirstReply), rule.FirstReply), Value(nameof(DeadlineRule.Resolve), rule.Resolve));
    }
}

/// <summary>Refuses to start with a deadline configuration that has problems, listing each.</summary>
internal sealed class ValidateDeadlines : IValidateOptions<DeadlinesOptions>, IValidateOptions<WorkingHoursOptions>
{
    public ValidateOptionsResult Validate(string? name, DeadlinesOptions options) =>
        options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);

    public ValidateOptionsResult Validate(string? name, WorkingHoursOptions options) =>
        WorkingSchedule.TryParse(options, out _, out var problem) ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problem);
}
