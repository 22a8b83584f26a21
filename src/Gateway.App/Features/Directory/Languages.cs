using System.Text.RegularExpressions;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Directory;

/// <summary>One language a resident can read: its canonical code, the group's Vietnamese name, and the names and codes that pick it.</summary>
public sealed record Language(string Code, string Name, IReadOnlyList<string> Codes, IReadOnlyList<string> Names);

/// <summary>
/// The languages notices can be written in: Vietnamese (<c>vi</c>) and the 17 largest minority groups of
/// <c>Data/vn_ethnic_languages.csv</c>. A group's canonical code is the first of its suggested BCP-47 codes
/// (Mông → <c>hnj</c>, Khmer → <c>km</c>); every other code of the row (<c>mww</c>, <c>khm</c>) is also known.
/// <c>khm</c> is an alias of <c>km</c>; distinct ISO codes of one group (<c>hnj</c>, <c>mww</c>) stay distinct.
/// </summary>
public sealed partial class Languages
{
    public const string Vietnamese = "vi";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase) { ["khm"] = "km" };

    private readonly Dictionary<string, string> _byCode = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _byFoldedName = new(StringComparer.Ordinal);

    public static Languages Default { get; } = Load();

    public IReadOnlyList<Language> All { get; }

    private Languages(List<Language> all)
    {
        All = all;
        foreach (var l in all)
        {
            foreach (var c in l.Codes) _byCode.TryAdd(c, Aliases.GetValueOrDefault(c, c));
            foreach (var n in l.Names) _byFoldedName.TryAdd(VietText.Fold(n), l.Code);
        }
    }

    /// <summary>The canonical code for a code (any case, aliases resolved), or null when it is not one we know.</summary>
    public string? Canonical(string? code) =>
        code is not null && _byCode.TryGetValue(code.Trim(), out var c) ? c : null;

    public bool IsKnown(string? code) => Canonical(code) is not null;

    /// <summary>What a resident typed after <c>NN</c>: a code (<c>km</c>) or a name in any case, with or without diacritics (<c>Mông</c>, <c>tay</c>).</summary>
    public string? Resolve(string text)
    {
        var t = text.Trim();
        if (Canonical(t) is { } code) return code;
        var folded = VietText.Fold(t);
        if (folded.StartsWith("tieng ", StringComparison.Ordinal)) folded = folded[6..];
        return _byFoldedName.GetValueOrDefault(folded);
    }

    public Language? Find(string code) => Canonical(code) is { } c ? All.FirstOrDefault(l => l.Codes.Contains(c, StringComparer.OrdinalIgnoreCase)) : null;

    private static Languages Load()
    {
        var table = CsvTable.FromResource(typeof(Languages).Assembly, "vn_ethnic_languages.csv");
        int group = table.Column("group"), iso = table.Column("iso639_3"), bcp = table.Column("suggested_bcp47");
        var all = new List<Language> { new(Vietnamese, "Tiếng Việt", [Vietnamese, "vie"], ["Việt", "Kinh", "Tiếng Việt", "Vietnamese"]) };
        foreach (var row in table.Rows)
        {
            var suggested = CodePattern().Matches(row[bcp]).Select(m => m.Value).ToList();
            var codes = suggested.Concat(CodePattern().Matches(row[iso]).Select(m => m.Value)).Distinct().ToList();
            var canonical = Aliases.GetValueOrDefault(suggested[0], suggested[0]);
            if (!codes.Contains(canonical)) codes.Insert(0, canonical);
            // "Mông (Hmong)" → "Mông", "Hmong"; "Gia Rai (Jrai)" → "Gia Rai", "Jrai"
            var names = row[group].Split('(', ')').Select(n => n.Trim()).Where(n => n.Length > 0).ToList();
            all.Add(new Language(canonical, names[0], codes, names));
        }
        return new Languages(all);
    }

    // A language code: two or three lower-case letters, optionally a script subtag (zh-Hant).
    [GeneratedRegex(@"(?<![A-Za-z])[a-z]{2,3}(-[A-Z][a-z]{3})?(?![A-Za-z])")]
    private static partial Regex CodePattern();
}
