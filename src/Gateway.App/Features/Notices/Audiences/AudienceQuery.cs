using System.Data.Common;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Audiences;

/// <summary>
/// The residents an <see cref="Audience"/> names, read through <see cref="ResidentStore"/> (which owns the SQL): only
/// residents registered in a commune of the province, opted-out residents apart. Tags and languages are normalized
/// as the importer stores them (trimmed lower-case tags, canonical language codes). Validate's messages are Vietnamese:
/// they are shown to the officer composing the notice.
/// </summary>
public static class AudienceQuery
{
    /// <summary>null when fine; else a message naming the problem: empty audience (no criterion), a commune not in the province (name it), an unknown language code.</summary>
    public static string? Validate(Audience audience, string provinceCode, CommuneDirectory directory, Languages languages)
    {
        var communes = audience.CommuneCodes ?? [];
        var tags = Tags(audience);
        var codes = audience.Languages ?? [];
        if (!audience.WholeProvince && communes.Count == 0 && tags.Count == 0 && codes.Count == 0)
            return "Chưa chọn người nhận (trống): chọn cả tỉnh, hoặc ít nhất một xã, một nhãn hay một ngôn ngữ.";
        foreach (var code in communes)
        {
            var commune = directory.FindCommune(code ?? "");
            if (commune is null) return $"Không có xã nào mang mã {code}.";
            if (commune.ProvinceCode != provinceCode)
                return $"{commune.Name} ({commune.Code}) thuộc tỉnh {commune.ProvinceName}, không thuộc tỉnh này.";
        }
        foreach (var code in codes)
            if (languages.Canonical(code) is null) return $"Mã ngôn ngữ không được hỗ trợ: \"{code}\".";
        return null;
    }

    /// <summary>Residents of the province matching ANY criterion (union: whole province, chosen communes, chosen tags, chosen languages), opted-out residents and residents of other provinces never included; one row per resident (their first tel: and first zalo: address); keyset paging on resident id.</summary>
    public static async Task<IReadOnlyList<AudienceMember>> PageAsync(DbConnection c, DbTransaction? tx, SqlDialect dialect, CommuneDirectory directory,
        Audience audience, string provinceCode, string afterResidentId, int limit)
    {
        var rows = await ResidentStore.SelectPageAsync(c, tx, dialect, Filter(directory, audience, provinceCode, optedOut: false), afterResidentId ?? "", limit);
        return rows.Select(r => new AudienceMember(r.Id, r.CommuneCode!, r.Language, r.TelUrn, r.ZaloUrn, r.ZaloUrn is not null && r.ZaloFollowing, r.ZaloLastInboundAt))
            .ToList();
    }

    /// <summary>same criteria but only opted-out residents: the report shows them as skipped.</summary>
    /// <summary>
    /// The same page as <see cref="PageAsync"/> as SQL to embed (columns Id, CommuneCode, Language, TelUrn, ZaloUrn,
    /// ZaloFollowing, ZaloLastInboundAt), for work done inside the database; without its final ORDER BY, which SQL
    /// Server refuses in a subquery. Null when the province has no communes.
    /// </summary>
    public static (string Sql, Dapper.DynamicParameters Args)? PageSql(SqlDialect dialect, CommuneDirectory directory, Audience audience, string provinceCode, string afterResidentId, int limit)
    {
        var filter = Filter(directory, audience, provinceCode, optedOut: false);
        if (filter.ProvinceCommunes.Count == 0) return null;
        var (sql, args) = ResidentStore.SelectPageCommand(dialect, filter, afterResidentId ?? "", limit);
        var order = sql.LastIndexOf(" ORDER BY r.id", StringComparison.Ordinal);
        return (order > 0 ? sql[..order] : sql, args);
    }

    public static Task<int> CountOptedOutAsync(DbConnection c, SqlDialect dialect, CommuneDirectory directory, Audience audience, string provinceCode) =>
        ResidentStore.CountAsync(c, null, Filter(directory, audience, provinceCode, optedOut: true));

    private static ResidentFilter Filter(CommuneDirectory directory, Audience audience, string provinceCode, bool optedOut)
    {
        var province = directory.CommunesOf(provinceCode).Select(x => x.Code).ToArray();
        // A commune of another province slipping past Validate still reaches nobody: the province list bounds every row.
        var communes = (audience.CommuneCodes ?? []).Where(x => x is not null).Select(x => x.Trim()).Distinct().ToArray();
        var languages = (audience.Languages ?? []).Select(x => Languages.Default.Canonical(x)).OfType<string>().Distinct().ToArray();
        return new ResidentFilter(province, audience.WholeProvince, communes, Tags(audience), languages, optedOut);
    }

    private static IReadOnlyList<string> Tags(Audience audience) =>
        (audience.Tags ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim().ToLowerInvariant()).Distinct().ToArray();
}
