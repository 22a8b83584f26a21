using System.Collections.Frozen;
using System.Text;

namespace Gateway.App.Features.Directory;

public sealed partial class CommuneDirectory
{
    /// <summary>
    /// Most candidates an <see cref="CommuneMatch.Ambiguous"/> lists. Every split old commune (at most 5 parts) and every
    /// diacritics collision fits; beyond that a list is a poor question — the prompt then asks for the province —
    /// and each choice costs about 37 UCS-2 characters: 6 keep the prompt within 5 segments (5 × 67).
    /// </summary>
    public const int MaxCandidates = 6;

    /// <summary>A name as indexed: the item and the exact (diacritics-kept) key of its name.</summary>
    private readonly record struct Named<T>(T Item, string Exact);

    private enum PlaceKind { NewProvince, OldProvince, OldDistrict }

    /// <summary>
    /// A place a resident may add after the commune's name to narrow it: a province (new or old) or an old district.
    /// </summary>
    private sealed record Place(PlaceKind Kind, string NewProvinceCode, string? OldProvinceCode, string? DistrictCode,
        FrozenSet<string>? NewCommuneCodes)
    {
        public bool Admits(Commune c) => Kind == PlaceKind.OldDistrict
            ? NewCommuneCodes!.Contains(c.Code)
            : c.ProvinceCode == NewProvinceCode;

        public bool Admits(OldCommune o) => Kind switch
        {
            PlaceKind.NewProvince => o.NewCommunes[0].ProvinceCode == NewProvinceCode,
            PlaceKind.OldProvince => o.ProvinceCode == OldProvinceCode,
            _ => o.DistrictCode == DistrictCode,
        };
    }

    /// <summary>
    /// Places the text named after the commune; each inner array lists the readings of one place name ("Phú Thọ": the
    /// province, old and new, and the old town). <paramref name="NamesOldDistrict"/>: one place can only be an old district.
    /// </summary>
    private readonly record struct Context(IReadOnlyList<Place[]> Places, bool NamesOldDistrict)
    {
        public bool Admits(Commune c) => Places.All(readings => readings.Any(p => p.Admits(c)));

        public bool Admits(OldCommune o) => Places.All(readings => readings.Any(p => p.Admits(o)));
    }

    private readonly FrozenDictionary<string, Named<Commune>[]> _newByName;
    private readonly FrozenDictionary<string, Named<OldCommune>[]> _oldByName;
    private readonly FrozenDictionary<string, Place[]> _places;
    private readonly int _maxNameTokens;
    private readonly int _maxPlaceTokens;

    // Unit words a resident may put before a commune's name (folded; "p." and "tt." lose their dot in tokenizing).
    // Not "dk": in an SMS that is "đăng ký" (register), a keyword Routing strips before asking.
    private static readonly string[][] CommunePrefixWords =
        [["dac", "khu"], ["thi", "tran"], ["xa"], ["x"], ["phuong"], ["p"], ["tt"]];

    // The same words typed with their diacritics: then the word is surely the unit, not the start of a name like "Xà Phiên".
    private static readonly FrozenSet<string> ExactCommunePrefixes =
        new[] { "Xã", "Phường", "Thị trấn", "Đặc khu" }.Select(NameKey.ExactKey).ToFrozenSet(StringComparer.Ordinal);

    // Unit words before a province or an old district.
    private static readonly string[][] PlacePrefixWords =
        [["thanh", "pho"], ["thi", "xa"], ["tinh"], ["tp"], ["t"], ["huyen"], ["h"], ["quan"], ["q"], ["tx"]];

    // Common ways of writing Hồ Chí Minh City in an SMS.
    private static readonly string[] HoChiMinhAliases = ["hcm", "tphcm", "sai gon", "saigon"];

    /// <summary>
    /// Resolves a resident's text to a commune. Accepted: a 5-digit commune code (new; or old, via the old→new map); or a
    /// name — current or pre-2025 — with diacritics or without, any case, tone placement and apostrophe style, an
    /// optional unit word before it ("xã", "p.", "thị trấn", …) and optionally, after it, the province (new or old)
    /// and/or the old district ("Liên Sơn Phú Thọ", "lien son, phu tho", "Cư Yên, Lương Sơn, Hòa Bình").
    /// Anything else in the text makes it <see cref="CommuneMatch.NotFound"/>: this reads a reply that names a
    /// commune, not a free-text message. Never guesses between communes: several fits give
    /// <see cref="CommuneMatch.Ambiguous"/>, to be asked with <see cref="DescribeChoices(CommuneMatch.Ambiguous)"/>.
    /// </summary>
    /// <remarks>
    /// Precedence, in order:
    /// <list type="number">
    /// <item>A code is a code: 5 digits are looked up as a new code, then as an old code (the 3,316 codes in both
    /// lists always agree: the old commune went, at least in part, into the new one of that code). A bare number of
    /// another length is not a name ("2" answers a numbered question; it is not the old "Phường 2"): numbered names
    /// need the unit word or a place ("p2 q3").</item>
    /// <item>The longest name wins: "Liên Sơn Lắk" is a commune before it is "Liên Sơn" + something.</item>
    /// <item>Diacritics: names are looked up folded. A resident who typed any diacritic types them, so if some
    /// candidates — current or old — match the typed marks exactly (tone placement aside), only those remain:
    /// "Văn Lăng" is one commune, "van lang thai nguyen" asks between Văn Lang and Văn Lăng; "Hoằng Phụ" (old) is not
    /// the current "Hoằng Phú". Without any diacritic nothing is preferred, not even a name that has none
    /// ("Thanh An" vs "Thạnh An" in Hồ Chí Minh).</item>
    /// <item>For the same words, a current name beats an old one. Current names are what the communes, their seals
    /// and every notice have used since 1 July 2025; a new commune usually took the name of one of the old communes
    /// merged into it, so the old namesake mostly is (part of) it; and asking whenever a current name was also some
    /// old commune's name somewhere (about half of the old names are) would make the common case a question. The
    /// confirmation names the commune, so a resident who meant an old one can still correct it. An old name is used
    /// when no current name fits the words and places: "Cư Yên"; "Cao Sơn, Lương Sơn" (the old commune of that old
    /// district, now split), while the current communes named Cao Sơn lie elsewhere.
    /// Two exceptions, where the text itself speaks of the old units: with an old district ("Đông Phước, Châu Thành,
    /// Hậu Giang"), an old commune of that name in that district that went to another commune makes it
    /// <see cref="AmbiguityReason.NewAndOldNamesDiffer"/>; and "thị trấn X" (no thị trấn is left) is the old town.
    /// Among old communes the unit word also chooses: a district often had both "Thị trấn X" and "Xã X". Not among
    /// current ones: 10 xã of Đồng Nai became phường in 2026, and a silent wrong pick would misroute.</item>
    /// </list>
    /// </remarks>
    public CommuneMatch Resolve(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return CommuneMatch.NotFound.Instance;
        var tokens = NameKey.Tokenize(text);
        if (tokens.Count == 0 || tokens.Count > NameKey.MaxTokens) return CommuneMatch.NotFound.Instance;

        var prefix = MatchPrefix(tokens, 0, CommunePrefixWords);

        // A code, bare or after a unit word: "04960", "xã 04960".
        if (tokens.Count == prefix + 1 && IsCode(tokens[prefix].Folded))
            return ResolveCode(tokens[prefix].Folded);

        // Where the name starts: after the unit word, or — when it is typed without diacritics and could begin a name
        // ("Xa Dung", "Xà Phiên", "Phượng Sơn") — at the start first.
        int[] starts = prefix == 0 ? [0]
            : ExactCommunePrefixes.Contains(NameKey.ExactKey(tokens.Take(prefix))) ? [prefix, 0]
            : [0, prefix];

        // A resident who typed any diacritic (in the name, the unit word or the province) types them: the name's
        // marks, or their absence, are then meant.
        var typedDiacritics = NameKey.ExactKey(tokens) != NameKey.FoldedKey(tokens);

        // Splits are tried longest name first; see remarks for the precedence.
        var bestLength = 0;
        CommuneMatch? oldMatch = null;
        foreach (var start in starts)
        {
            for (var end = Math.Min(tokens.Count, start + _maxNameTokens); end > start; end--)
            {
                var length = end - start;
                if (length < bestLength) break;
                var name = tokens.GetRange(start, length);
                if (name.All(t => t.IsDigits) && start == 0 && end == tokens.Count) continue;

                var folded = NameKey.FoldedKey(name);
                var newNamed = _newByName.GetValueOrDefault(folded);
                var oldNamed = _oldByName.GetValueOrDefault(folded);
                if (newNamed is null && oldNamed is null) continue;
                if (ParseContext(tokens, end) is not { } context) continue;

                var newFits = newNamed?.Where(n => context.Admits(n.Item)).ToList() ?? [];
                var oldFits = oldNamed?.Where(n => context.Admits(n.Item)).ToList() ?? [];
                if (typedDiacritics)
                {
                    var exact = NameKey.ExactKey(name);
                    if (newFits.Any(n => n.Exact == exact) || oldFits.Any(n => n.Exact == exact))
                    {
                        newFits.RemoveAll(n => n.Exact != exact);
                        oldFits.RemoveAll(n => n.Exact != exact);
                    }
                }

                // The unit word picks among old communes of one name; "thị trấn" names only an old unit (see remarks).
                if (start == prefix && OldKindOf(tokens, prefix) is { } kind && oldFits.Any(n => n.Item.Kind == kind))
                {
                    oldFits.RemoveAll(n => n.Item.Kind != kind);
                    if (kind == OldCommuneKind.ThiTran) newFits.Clear();
                }

                if (newFits.Count > 0)
                {
                    // An old district names the old commune too: if that reading leads elsewhere, ask.
                    if (context.NamesOldDistrict && oldFits.Count > 0)
                    {
                        var both = newFits.Select(n => n.Item).Concat(oldFits.SelectMany(n => n.Item.NewCommunes))
                            .DistinctBy(c => c.Code).ToArray();
                        if (both.Length > newFits.Count)
                        {
                            // A split old commune whose parts include the current one asks the same question.
                            return MatchOld(oldFits) is CommuneMatch.Ambiguous { Total: var total } asked
                                   && total == both.Length
                                ? asked
                                : Ambiguous(both, AmbiguityReason.NewAndOldNamesDiffer);
                        }
                    }
                    return MatchNew(newFits);
                }
                if (oldMatch is null && oldFits.Count > 0)
                {
                    oldMatch = MatchOld(oldFits);
                    bestLength = length; // a shorter current name cannot outrank a longer old one
                }
            }
        }
        return oldMatch ?? CommuneMatch.NotFound.Instance;
    }

    private static OldCommuneKind? OldKindOf(List<NameToken> tokens, int prefix) =>
        prefix == 0 ? null : NameKey.FoldedKey(tokens.Take(prefix)) switch
        {
            "xa" or "x" => OldCommuneKind.Xa,
            "phuong" or "p" => OldCommuneKind.Phuong,
            "thi tran" or "tt" => OldCommuneKind.ThiTran,
            _ => null,
        };

    private static bool IsCode(string s) => s.Length == 5 && s.All(char.IsAsciiDigit);

    private CommuneMatch ResolveCode(string code)
    {
        if (_communesByCode.TryGetValue(code, out var commune)) return new CommuneMatch.Found(commune, ViaOldName: false);
        if (!_oldCommunesByCode.TryGetValue(code, out var old)) return CommuneMatch.NotFound.Instance;
        return old.Split
            ? Ambiguous(old.NewCommunes, AmbiguityReason.SplitOldCommune)
            : new CommuneMatch.Found(old.NewCommunes[0], ViaOldName: true) { OldCommune = old };
    }

    private static CommuneMatch MatchNew(List<Named<Commune>> fits)
    {
        if (fits.Count == 1) return new CommuneMatch.Found(fits[0].Item, ViaOldName: false);

        var reason = fits.Select(n => n.Item.ProvinceCode).Distinct().Count() > 1 ? AmbiguityReason.SameNameInSeveralProvinces
            : fits.Select(n => n.Exact).Distinct().Count() > 1 ? AmbiguityReason.CollidesWithoutDiacritics
            // Two communes of one province with the same name: not in the data (a test checks), kept total.
            : AmbiguityReason.SameNameInSeveralProvinces;
        return Ambiguous(fits.Select(n => n.Item), reason);
    }

    private static CommuneMatch MatchOld(List<Named<OldCommune>> fits)
    {
        var targets = fits.SelectMany(n => n.Item.NewCommunes).DistinctBy(c => c.Code).ToArray();
        if (targets.Length == 1)
            return new CommuneMatch.Found(targets[0], ViaOldName: true) { OldCommune = fits.Count == 1 ? fits[0].Item : null };

        var reason = fits.Count == 1 ? AmbiguityReason.SplitOldCommune
            : targets.Select(c => c.ProvinceCode).Distinct().Count() > 1 ? AmbiguityReason.SameNameInSeveralProvinces
            : fits.Select(n => n.Exact).Distinct().Count() > 1 ? AmbiguityReason.CollidesWithoutDiacritics
            : AmbiguityReason.OldNameInSeveralPlaces;
        return Ambiguous(targets, reason);
    }

    private static CommuneMatch.Ambiguous Ambiguous(IEnumerable<Commune> candidates, AmbiguityReason reason)
    {
        var all = candidates.DistinctBy(c => c.Code).OrderBy(c => c.Code, StringComparer.Ordinal).ToArray();
        return new CommuneMatch.Ambiguous(all.Take(MaxCandidates).ToArray(), reason) { Total = all.Length };
    }

    /// <summary>
    /// Reads what follows the name as a sequence of places, each optionally after its unit word ("tỉnh Phú Thọ",
    /// "huyện Lương Sơn", "tp hcm"). Null if any word is left over: the text then is not "a name and its places".
    /// </summary>
    private Context? ParseContext(List<NameToken> tokens, int from)
    {
        var places = new List<Place[]>();
        var i = from;
        while (i < tokens.Count)
        {
            var next = -1;
            var prefix = MatchPrefix(tokens, i, PlacePrefixWords);
            foreach (var skip in prefix > 0 ? new[] { prefix, 0 } : [0])
            {
                // "tỉnh X" is a province, "huyện X" a district, "thành phố X" either; a bare X anything it can be.
                var unit = skip > 0 ? NameKey.FoldedKey(tokens.GetRange(i, skip)) : null;
                var at = i + skip;
                for (var end = Math.Min(tokens.Count, at + _maxPlaceTokens); end > at && next < 0; end--)
                {
                    if (!_places.TryGetValue(NameKey.FoldedKey(tokens.GetRange(at, end - at)), out var readings)) continue;
                    var fitting = unit switch
                    {
                        "tinh" or "t" => readings.Where(p => p.Kind != PlaceKind.OldDistrict).ToArray(),
                        "huyen" or "h" or "quan" or "q" or "thi xa" or "tx" => readings.Where(p => p.Kind == PlaceKind.OldDistrict).ToArray(),
                        _ => readings,
                    };
                    if (fitting.Length == 0) continue;
                    places.Add(fitting);
                    next = end;
                }
                if (next >= 0) break;
            }
            if (next < 0) return null;
            i = next;
        }

        // "Tân Thịnh, thành phố Thái Nguyên, tỉnh Thái Nguyên": addresses run from small to large, so a place that could
        // be a province or a district is the district when a province follows.
        for (var k = 0; k < places.Count - 1; k++)
        {
            var districts = places[k].Where(p => p.Kind == PlaceKind.OldDistrict).ToArray();
            if (districts.Length > 0 && districts.Length < places[k].Length
                && places.Skip(k + 1).Any(later => later.Any(p => p.Kind != PlaceKind.OldDistrict)))
                places[k] = districts;
        }
        return new Context(places, places.Any(readings => readings.All(p => p.Kind == PlaceKind.OldDistrict)));
    }

    /// <summary>How many tokens at <paramref name="at"/> form one of the unit words (longest first), or 0.</summary>
    private static int MatchPrefix(List<NameToken> tokens, int at, string[][] words)
    {
        var best = 0;
        foreach (var word in words)
        {
            if (word.Length <= best || at + word.Length > tokens.Count) continue;
            var match = true;
            for (var k = 0; k < word.Length && match; k++) match = tokens[at + k].Folded == word[k];
            if (match) best = word.Length;
        }
        return best;
    }

    private static int WordCount(string key) => key.Count(c => c == ' ') + 1;

    private static FrozenDictionary<string, Named<T>[]> BuildNameIndex<T>(IEnumerable<T> items, Func<T, string> name,
        Dictionary<string, NameToken> words) =>
        items
            .Select(item => (Tokens: NameKey.Tokenize(name(item), words), Item: item))
            .GroupBy(x => NameKey.FoldedKey(x.Tokens), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => new Named<T>(x.Item, NameKey.ExactKey(x.Tokens))).ToArray(),
                StringComparer.Ordinal);

    private FrozenDictionary<string, Place[]> BuildPlaceIndex(
        IReadOnlyList<(string Code, string Name, string NewCode)> oldProvinces,
        IReadOnlyList<OldCommune> oldCommunes,
        IReadOnlyList<string[]> oldRows, int districtColumn, int districtNameColumn, int newCommuneColumn,
        Dictionary<string, NameToken> words)
    {
        var places = new List<(string Name, Place Place)>();
        foreach (var p in Provinces)
            places.Add((p.Name, new Place(PlaceKind.NewProvince, p.Code, null, null, null)));
        foreach (var alias in HoChiMinhAliases)
            places.Add((alias, new Place(PlaceKind.NewProvince, "79", null, null, null)));
        foreach (var (code, name, newCode) in oldProvinces)
            places.Add((StripPrefix(name, ProvincePrefixes), new Place(PlaceKind.OldProvince, newCode, code, null, null)));

        // An old district admits the new communes its old communes went into.
        var provinceOfDistrict = oldCommunes.GroupBy(o => o.DistrictCode)
            .ToDictionary(g => g.Key, g => g.First().NewCommunes[0].ProvinceCode);
        foreach (var district in oldRows.GroupBy(r => r[districtColumn]))
        {
            var newCodes = district.Select(r => r[newCommuneColumn]).ToFrozenSet(StringComparer.Ordinal);
            var first = district.First();
            var place = new Place(PlaceKind.OldDistrict, provinceOfDistrict.GetValueOrDefault(district.Key, ""), null,
                district.Key, newCodes);
            places.Add((StripPrefix(first[districtNameColumn], OldDistrictPrefixes), place));
        }

        return places
            .GroupBy(x => NameKey.FoldedKey(NameKey.Tokenize(x.Name, words)), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Place).Distinct().ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// A short Vietnamese SMS asking the resident to pick one of <paramref name="candidates"/> by number (at most
    /// <see cref="MaxCandidates"/> listed), with each commune's code; the province is named once when all share it.
    /// Example: "Bạn ở xã nào? Trả lời số:\n1) Xã Liên Sơn (04660), Lào Cai\n2) Xã Liên Sơn (04960), Phú Thọ".
    /// </summary>
    public string DescribeChoices(IReadOnlyList<Commune> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var listed = candidates.Take(MaxCandidates).ToArray();
        if (listed.Length == 0) return "Không tìm thấy xã/phường. Nhắn tên xã kèm tên tỉnh.";

        var kinds = listed.Select(c => c.Kind).Distinct().ToArray();
        var unit = kinds.Length == 1 ? kinds[0].Label().ToLowerInvariant() : "xã/phường";
        var oneProvince = listed.Select(c => c.ProvinceCode).Distinct().Count() == 1;

        var sb = new StringBuilder("Bạn ở ").Append(unit).Append(" nào");
        if (oneProvince) sb.Append(" (").Append(listed[0].ProvinceName).Append(')');
        sb.Append("? Trả lời số:");
        for (var i = 0; i < listed.Length; i++)
        {
            var c = listed[i];
            sb.Append('\n').Append(i + 1).Append(") ").Append(c.Name).Append(" (").Append(c.Code).Append(')');
            if (!oneProvince) sb.Append(", ").Append(c.ProvinceName);
        }
        return sb.ToString();
    }

    /// <summary>
    /// <see cref="DescribeChoices(IReadOnlyList{Commune})"/> for a match; when more communes fit than are listed, it
    /// also asks for the province.
    /// </summary>
    public string DescribeChoices(CommuneMatch.Ambiguous match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var text = DescribeChoices(match.Candidates);
        return match.Truncated ? text + "\nKhông thấy? Nhắn tên xã kèm tên tỉnh." : text;
    }

    /// <summary>
    /// Reads a resident's answer to <see cref="DescribeChoices(IReadOnlyList{Commune})"/>: the number of a choice
    /// ("2", "số 2", "2)") or the code of one of the candidates. Null if it is neither.
    /// </summary>
    public static Commune? PickChoice(IReadOnlyList<Commune> candidates, string reply)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var tokens = NameKey.Tokenize(reply ?? "");
        if (tokens.Count == 2 && tokens[0].Folded == "so") tokens.RemoveAt(0);
        if (tokens.Count != 1 || !tokens[0].IsDigits) return null;
        var answer = tokens[0].Folded;
        if (answer.Length == 5) return candidates.FirstOrDefault(c => c.Code == answer);
        return int.TryParse(answer, out var n) && n >= 1 && n <= Math.Min(candidates.Count, MaxCandidates)
            ? candidates[n - 1]
            : null;
    }
}
