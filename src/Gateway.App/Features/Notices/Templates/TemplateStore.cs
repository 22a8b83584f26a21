using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Templates;

public enum TemplateChange { Done, NoSuchTemplate, NoSuchTranslation, SameOfficer, Stale, AlreadyApproved, Exists }

/// <summary>
/// The one home of <c>notice_templates</c> and <c>notice_template_bodies</c>. Editing the Vietnamese text bumps
/// its version, which makes every translation of the older text stale until it is edited and approved again.
/// </summary>
public sealed class TemplateStore(Db db, TimeProvider time)
{
    private sealed class TemplateRow
    {
        public string Key { get; init; } = "";
        public string? ProvinceCode { get; init; }
        public string Title { get; init; } = "";
        public string Category { get; init; } = "";
        public string Variables { get; init; } = "[]";
        public string? ZnsTemplateId { get; init; }
        public string? ZnsParameters { get; init; }
        public int ViVersion { get; init; }
    }

    private sealed class BodyRow
    {
        public string TemplateKey { get; init; } = "";
        public string Language { get; init; } = "";
        public string Sms { get; init; } = "";
        public string? Zalo { get; init; }
        public string State { get; init; } = "";
        public string? Translator { get; init; }
        public string? Approver { get; init; }
        public int SourceVersion { get; init; }
    }

    private const string TemplateColumns =
        "template_key AS [Key], province_code AS ProvinceCode, title AS Title, category AS Category, variables AS Variables, " +
        "zns_template_id AS ZnsTemplateId, zns_parameters AS ZnsParameters, vi_version AS ViVersion";
    private const string BodyColumns =
        "template_key AS TemplateKey, language AS Language, sms AS Sms, zalo AS Zalo, state AS State, translator AS Translator, approver AS Approver, source_version AS SourceVersion";

    public async Task<NoticeTemplate?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<TemplateRow>($"SELECT {TemplateColumns} FROM notice_templates WHERE template_key = @key", new { key });
        if (row is null) return null;
        var bodies = await c.QueryAsync<BodyRow>($"SELECT {BodyColumns} FROM notice_template_bodies WHERE template_key = @key", new { key });
        return ToTemplate(row, bodies);
    }

    /// <summary>The shared templates and those of one province (null: only the shared ones).</summary>
    public async Task<IReadOnlyList<NoticeTemplate>> ListAsync(string? provinceCode, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<TemplateRow>(
            $"SELECT {TemplateColumns} FROM notice_templates WHERE province_code IS NULL OR province_code = @provinceCode ORDER BY template_key", new { provinceCode })).ToList();
        var bodies = (await c.QueryAsync<BodyRow>($"SELECT {BodyColumns} FROM notice_template_bodies")).ToLookup(b => b.TemplateKey);
        return rows.Select(r => ToTemplate(r, bodies[r.Key])).ToList();
    }

    /// <summary>Start-up: a template from the folder is inserted when its key is new; edits made through the API are never overwritten.</summary>
    public async Task<int> SeedAsync(IEnumerable<NoticeTemplate> templates)
    {
        var added = 0;
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        foreach (var t in templates)
            if (await InsertAsync(c, tx, t, null)) added++;
        await tx.CommitAsync();
        return added;
    }

    public async Task<TemplateChange> CreateAsync(NoticeTemplate t, string createdBy)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        if (!await InsertAsync(c, tx, t, createdBy)) return TemplateChange.Exists;
        await tx.CommitAsync();
        return TemplateChange.Done;
    }

    /// <summary>The caller becomes the translator and the text a draft; for vi it edits the source and stales the others.</summary>
    public async Task<TemplateChange> PutTranslationAsync(string key, string language, string sms, string? zalo, string translator)
    {
        var now = time.NowMs();
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await using var tx = await c.BeginTransactionAsync();
        var version = await c.ExecuteScalarAsync<int?>("SELECT vi_version FROM notice_templates WHERE template_key = @key", new { key }, tx);
        if (version is null) return TemplateChange.NoSuchTemplate;
        var isVi = language == Languages.Vietnamese;
        if (isVi)
        {
            version++;
            await c.ExecuteAsync("UPDATE notice_templates SET vi_version = @version, updated_at = @now WHERE template_key = @key", new { version, now, key }, tx);
        }
        var args = new { key, language, sms, zalo, state = isVi ? TranslationState.Approved : TranslationState.Draft, translator, version, now };
        var updated = await c.ExecuteAsync(
            "UPDATE notice_template_bodies SET sms = @sms, zalo = @zalo, state = @state, translator = @translator, approver = NULL, source_version = @version, updated_at = @now WHERE template_key = @key AND language = @language",
            args, tx);
        if (updated == 0)
            await c.ExecuteAsync(
                "INSERT INTO notice_template_bodies (template_key, language, sms, zalo, state, translator, approver, source_version, updated_at) VALUES (@key, @language, @sms, @zalo, @state, @translator, NULL, @version, @now)",
                args, tx);
        await tx.CommitAsync();
        return TemplateChange.Done;
    }

    /// <summary>The two-person rule: the translator cannot approve their own text; a stale text must be edited first.</summary>
    public async Task<TemplateChange> ApproveAsync(string key, string language, string approver)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        var version = await c.ExecuteScalarAsync<int?>("SELECT vi_version FROM notice_templates WHERE template_key = @key", new { key });
        if (version is null) return TemplateChange.NoSuchTemplate;
        var body = await c.QuerySingleOrDefaultAsync<BodyRow>($"SELECT {BodyColumns} FROM notice_template_bodies WHERE template_key = @key AND language = @language", new { key, language });
        if (body is null) return TemplateChange.NoSuchTranslation;
        if (string.Equals(body.Translator, approver, StringComparison.Ordinal)) return TemplateChange.SameOfficer;
        if (language != Languages.Vietnamese && body.SourceVersion < version) return TemplateChange.Stale;
        if (body.State == TranslationState.Approved) return TemplateChange.AlreadyApproved;
        await c.ExecuteAsync("UPDATE notice_template_bodies SET state = @approved, approver = @approver, updated_at = @now WHERE template_key = @key AND language = @language",
            new { approved = TranslationState.Approved, approver, now = time.NowMs(), key, language });
        return TemplateChange.Done;
    }

    private async Task<bool> InsertAsync(DbConnection c, DbTransaction tx, NoticeTemplate t, string? createdBy)
    {
        var now = time.NowMs();
        var inserted = await c.ExecuteAsync(db.Dialect.InsertIgnore("notice_templates",
                "template_key, province_code, title, category, variables, zns_template_id, zns_parameters, vi_version, created_by, created_at, updated_at",
                "@Key, @ProvinceCode, @Title, @Category, @Variables, @ZnsTemplateId, @ZnsParameters, @ViVersion, @CreatedBy, @Now, @Now",
                "template_key = @Key"),
            new
            {
                t.Key, t.ProvinceCode, t.Title, t.Category, Variables = JsonSerializer.Serialize(t.Variables, Web), t.ZnsTemplateId,
                ZnsParameters = t.ZnsParameters is null ? null : JsonSerializer.Serialize(t.ZnsParameters), ViVersion = t.VietnameseVersion, CreatedBy = createdBy, Now = now,
            }, tx);
        if (inserted == 0) return false;
        foreach (var b in t.Translations)
            await c.ExecuteAsync(
                "INSERT INTO notice_template_bodies (template_key, language, sms, zalo, state, translator, approver, source_version, updated_at) VALUES (@Key, @Language, @Sms, @Zalo, @State, @Translator, @Approver, @SourceVersion, @Now)",
                new { t.Key, b.Language, b.Sms, b.Zalo, b.State, Translator = b.Translator ?? createdBy, b.Approver, b.SourceVersion, Now = now }, tx);
        return true;
    }

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static NoticeTemplate ToTemplate(TemplateRow r, IEnumerable<BodyRow> bodies) => new(
        r.Key, r.Title, r.Category, r.ProvinceCode,
        JsonSerializer.Deserialize<List<TemplateVariable>>(r.Variables, Web) ?? [], r.ViVersion,
        bodies.OrderBy(b => b.Language == Languages.Vietnamese ? "" : b.Language, StringComparer.Ordinal)
            .Select(b => new TemplateTranslation(b.Language, b.Sms, b.Zalo, b.State, b.Language != Languages.Vietnamese && b.SourceVersion < r.ViVersion,
                b.SourceVersion, b.Translator, b.Approver)).ToList(),
        r.ZnsTemplateId, r.ZnsParameters is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(r.ZnsParameters));
}
