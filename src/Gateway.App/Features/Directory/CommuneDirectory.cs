using System.Collections.Frozen;

namespace Gateway.App.Features.Directory;

/// <summary>
/// The 34 provinces and 3,321 communes (official codes), the map of the 10,035 pre-2025 communes to the new ones, and
/// the resolution of a resident's free text ("lien son phu tho", "04960", an old commune's name) to a commune.
/// Immutable and thread-safe; built once from the CSVs embedded from Features/Directory/Data (see the README and
/// NOTICE there). Use <see cref="Default"/>.
/// </summary>
public sealed partial class CommuneDirectory
{
    private static readonly Lazy<CommuneDirectory> SharedInstance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly FrozenDictionary<string, Province> _provincesByCode;
    private readonly FrozenDictionary<string, Commune> _communesByCode;
    private readonly FrozenDictionary<string, IReadOnlyList<Commune>> _communesByProvince;
    private readonly FrozenDictionary<string, OldCommune> _oldCommunesByCode;

    /// <summary>The directory built from the embedded data, loaded on first use and shared (it never changes at run time).</summary>
    public static CommuneDirectory Default => SharedInstance.Value;

    /// <summary>Provinces ordered by code.</summary>
    public IReadOnlyList<Province> Provinces { get; }

    /// <summary>Communes ordered by province code, then commune code.</summary>
    public IReadOnlyList<Commune> Communes { get; }

    /// <summary>The pre-2025 communes of the old→new map, ordered by old code.</summary>
    public IReadOnlyList<OldCommune> OldCommunes { get; }

    public int ProvinceCount => Provinces.Count;

    public int CommuneCount => Communes.Count;

    /// <summary>Distinct pre-2025 commune codes in the old→new map (10,035).</summary>
    public int OldCommuneCount => OldCommunes.Count;

    /// <summary>Old communes divided among several new communes (471).</summary>
    public int SplitOldCommuneCount { get; }

    public Province? FindProvince(string code) =>
        code is not null && _provincesByCode.TryGetValue(code.Trim(), out var p) ? p : null;

    /// <summary>A current commune by its 5-digit code (not an old code: see <see cref="FindOldCommune"/>).</summary>
    public Commune? FindCommune(string code) =>
        code is not null && _communesByCode.TryGetValue(code.Trim(), out var c) ? c : null;

    /// <summary>The communes of a province, ordered by code; empty for an unknown code.</summary>
    public IReadOnlyList<Commune> CommunesOf(string provinceCode) =>
        provinceCode is not null && _communesByProvince.TryGetValue(provinceCode.Trim(), out var list) ? list : [];

    /// <summary>A pre-2025 commune by its old 5-digit code, with the new commune(s) it went into.</summary>
    public OldCommune? FindOldCommune(string oldCode) =>
        oldCode is not null && _oldCommunesByCode.TryGetValue(oldCode.Trim(), out var o) ? o : null;

    /// <summary>Builds a directory from the embedded CSVs (a few tens of milliseconds). Prefer <see cref="Default"/>.</summary>
    public static CommuneDirectory Load()
    {
        var assembly = typeof(CommuneDirectory).Assembly;
        return new CommuneDirectory(
            CsvTable.FromResource(assembly, "vn_provinces_34.csv"),
            CsvTable.FromResource(assembly, "vn_communes_2026.csv"),
            CsvTable.FromResource(assembly, "vn_old_to_new_communes.csv"),
            CsvTable.FromResource(assembly, "vn_old_to_new_provinces.csv"));
    }

    private CommuneDirectory(CsvTable provinces, CsvTable communes, CsvTable oldCommunes, CsvTable oldProvinces)
    {
        // Provinces.
        int pCode = provinces.Column("province_code"), pName = provinces.Column("province_name"),
            pFull = provinces.Column("province_full_name"), pType = provinces.Column("province_type"),
            pEn = provinces.Column("province_name_en");
        Provinces = provinces.Rows
            .Select(r => new Province(r[pCode], r[pName], r[pFull], ParseProvinceKind(r[pType]), r[pEn]))
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .ToArray();
        _provincesByCode = Provinces.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);

        // Communes. The full name is rebuilt from the type and the short name: one source row has "xã Bắc Sơn".
        int cProvince = communes.Column("province_code"), cCode = communes.Column("ward_code"),
            cName = communes.Column("ward_name"), cType = communes.Column("ward_type");
        Communes = communes.Rows
            .Select(r =>
            {
                var province = _provincesByCode.GetValueOrDefault(r[cProvince])
                    ?? throw new InvalidDataException($"commune {r[cCode]}: unknown province {r[cProvince]}");
                var kind = ParseCommuneKind(r[cType]);
                return new Commune(r[cCode], $"{kind.Label()} {r[cName]}", r[cName], kind, province.Code, province.Name);
            })
            .OrderBy(c => c.ProvinceCode, StringComparer.Ordinal).ThenBy(c => c.Code, StringComparer.Ordinal)
            .ToArray();
        _communesByCode = Communes.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        _communesByProvince = Provinces.ToFrozenDictionary(
            p => p.Code,
            p => (IReadOnlyList<Commune>)Communes.Where(c => c.ProvinceCode == p.Code).ToArray(),
            StringComparer.Ordinal);

        // Old provinces → new provinces.
        int opCode = oldProvinces.Column("old_province_code"), opName = oldProvinces.Column("old_province_name"),
            opNew = oldProvinces.Column("new_province_code");
        var oldProvinceList = oldProvinces.Rows
            .Select(r => (Code: r[opCode], Name: r[opName], NewCode: _provincesByCode.ContainsKey(r[opNew])
                ? r[opNew]
                : throw new InvalidDataException($"old province {r[opCode]}: unknown new province {r[opNew]}")))
            .ToArray();

        // Old communes: one row per (old commune, new commune); split ones have several rows. Rows without an old
        // code are island districts that had no communes and became a đặc khu of the same name: not old communes.
        int oProvince = oldCommunes.Column("old_province_code"), oProvinceName = oldCommunes.Column("old_province_name"),
            oDistrict = oldCommunes.Column("old_district_code"), oDistrictName = oldCommunes.Column("old_district_name"),
            oCode = oldCommunes.Column("old_ward_code"), oName = oldCommunes.Column("old_ward_name"),
            oNew = oldCommunes.Column("new_ward_code"), oSplit = oldCommunes.Column("old_ward_split");
        var oldRows = oldCommunes.Rows.Where(r => r[oCode].Length > 0).ToArray();
        var oldList = oldRows
            .GroupBy(r => r[oCode], StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var targets = g.Select(r => _communesByCode.GetValueOrDefault(r[oNew])
                        ?? throw new InvalidDataException($"old commune {g.Key}: unknown new commune {r[oNew]}"))
                    .DistinctBy(c => c.Code)
                    .OrderBy(c => c.Code, StringComparer.Ordinal)
                    .ToArray();
                var split = g.Any(r => r[oSplit] == "true");
                if (split != targets.Length > 1)
                    throw new InvalidDataException($"old commune {g.Key}: old_ward_split={split} but {targets.Length} new communes");
                return new OldCommune(g.Key, first[oName], StripPrefix(first[oName], OldCommunePrefixes),
                    ParseOldCommuneKind(first[oName]), first[oDistrict],
                    first[oDistrictName], first[oProvince], first[oProvinceName], split, targets);
            })
            .OrderBy(o => o.Code, StringComparer.Ordinal)
            .ToArray();
        OldCommunes = oldList;
        _oldCommunesByCode = oldList.ToFrozenDictionary(o => o.Code, StringComparer.Ordinal);
        SplitOldCommuneCount = oldList.Count(o => o.Split);

        // Name and place indexes for Resolve.
        var words = new Dictionary<string, NameToken>(StringComparer.Ordinal);
        _newByName = BuildNameIndex(Communes, c => c.ShortName, words);
        _oldByName = BuildNameIndex(oldList, o => o.ShortName, words);
        _maxNameTokens = _newByName.Keys.Concat(_oldByName.Keys).Max(WordCount);
        _places = BuildPlaceIndex(oldProvinceList, oldList, oldRows, oDistrict, oDistrictName, oNew, words);
        _maxPlaceTokens = _places.Keys.Max(WordCount);
    }

    private static ProvinceKind ParseProvinceKind(string type) => type switch
    {
        "tinh" => ProvinceKind.Tinh,
        "thanh_pho_truc_thuoc_tw" => ProvinceKind.ThanhPho,
        _ => throw new InvalidDataException($"unknown province_type '{type}'"),
    };

    private static CommuneKind ParseCommuneKind(string type) => type switch
    {
        "xa" => CommuneKind.Xa,
        "phuong" => CommuneKind.Phuong,
        "dac_khu" => CommuneKind.DacKhu,
        _ => throw new InvalidDataException($"unknown ward_type '{type}'"),
    };

    private static OldCommuneKind ParseOldCommuneKind(string name) =>
        name.StartsWith("Xã ", StringComparison.OrdinalIgnoreCase) ? OldCommuneKind.Xa
        : name.StartsWith("Phường ", StringComparison.OrdinalIgnoreCase) ? OldCommuneKind.Phuong
        : name.StartsWith("Thị trấn ", StringComparison.OrdinalIgnoreCase) ? OldCommuneKind.ThiTran
        : throw new InvalidDataException($"old commune '{name}': unknown unit");

    private static readonly string[] OldCommunePrefixes = ["Xã ", "Phường ", "Thị trấn "];
    private static readonly string[] OldDistrictPrefixes = ["Huyện ", "Quận ", "Thị xã ", "Thành phố "];
    private static readonly string[] ProvincePrefixes = ["Tỉnh ", "Thành phố "];

    /// <summary>"Thị Trấn Năm Căn" → "Năm Căn" (a few source rows capitalise the type differently).</summary>
    private static string StripPrefix(string name, string[] prefixes)
    {
        foreach (var p in prefixes)
            if (name.StartsWith(p, StringComparison.OrdinalIgnoreCase) && name.Length > p.Length)
                return name[p.Length..].Trim();
        return name;
    }
}
