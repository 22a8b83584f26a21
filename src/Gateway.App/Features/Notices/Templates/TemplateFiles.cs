using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Notices.Templates;

/// <summary>
/// The folder format of <c>templates/{key}/</c>: <c>template.json</c> (title, category, typed variables, optional
/// ZNS mapping) and one <c>{language}.txt</c> per language:
/// <code>
/// state: approved          ← translations only: draft | approved
/// translator: …            ← translations only
/// approver: …
/// source-version: 1        ← the Vietnamese version it translates (vi.txt: "version: 1")
/// [sms]
/// the short SMS body, {placeholders}
/// [zalo]
/// the optional longer Zalo body
/// </code>
/// Loading checks every file and reports each problem as <c>file:line: reason</c>.
/// </summary>
public static partial class TemplateFiles
{
    public const string MetadataFile = "template.json";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,60}$")]
    public static partial Regex KeyPattern();

    private sealed record Metadata(string? Title, string? Category, List<TemplateVariable>? Variables, ZnsMetadata? Zns);
    private sealed record ZnsMetadata(string? TemplateId, Dictionary<string, string>? Parameters);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Every template under <paramref name="root"/>, and every problem found (empty when all are valid).</summary>
    public static (List<NoticeTemplate> Templates, List<string> Problems) LoadFolder(string root)
    {
        var templates = new List<NoticeTemplate>();
        var problems = new List<string>();
        if (!System.IO.Directory.Exists(root)) return (templates, problems);
        foreach (var dir in System.IO.Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var files = System.IO.Directory.GetFiles(dir).ToDictionary(Path.GetFileName, File.ReadAllText);
            var (template, found) = Parse(Path.GetFileName(dir), files!, Path.GetRelativePath(Path.GetDirectoryName(root) ?? root, dir));
            problems.AddRange(found);
            if (template is not null && found.Count == 0) templates.Add(template);
        }
        return (templates, problems);
    }

    /// <param name="files">File name → content, as in one template folder.</param>
    /// <param name="shownAs">How problems name the folder (e.g. <c>templates/canh-bao-sat-lo</c>).</param>
    public static (NoticeTemplate? Template, List<string> Problems) Parse(string key, IReadOnlyDictionary<string, string> files, string shownAs)
    {
        var problems = new List<string>();
        void Problem(string file, int line, string reason) => problems.Add($"{shownAs}/{file}:{line}: {reason}");
        if (!KeyPattern().IsMatch(key)) Problem(MetadataFile, 1, $"'{key}' is not a template key (lower-case letters, digits and '-')");
        if (!files.TryGetValue(MetadataFile, out var metaText)) { Problem(MetadataFile, 1, "missing: every template needs its metadata"); return (null, problems); }

        Metadata? meta;
        try { meta = JsonSerializer.Deserialize<Metadata>(metaText, Json); }
        catch (JsonException e) { Problem(MetadataFile, (int)(e.LineNumber ?? 0) + 1, "not valid JSON: " + e.Message.Split(" Path:")[0]); return (null, problems); }
        if (meta is null) { Problem(MetadataFile, 1, "empty"); return (null, problems); }
        if (string.IsNullOrWhiteSpace(meta.Title)) Problem(MetadataFile, 1, "\"title\" is required");
        var variables = meta.Variables ?? [];
        foreach (var v in variables)
        {
            var line = LineOf(metaText, $"\"{v.Name}\"");
            if (v.Name is null || !Regex.IsMatch(v.Name, "^[A-Za-z_][A-Za-z0-9_]{0,39}$")) Problem(MetadataFile, line, $"variable name '{v.Name}' is not a name");
            if (!VariableTypes.All.Contains(v.Type)) Problem(MetadataFile, line, $"variable '{v.Name}' has unknown type '{v.Type}' ({string.Join(", ", VariableTypes.All)})");
        }

        if (meta.Zns is { } zns)
        {
            var line = LineOf(metaText, "\"zns\"");
            // A ZNS template is registered with Zalo, with its own parameter names: each must come from a variable.
            if (string.IsNullOrWhiteSpace(zns.TemplateId) || !Regex.IsMatch(zns.TemplateId, "^[0-9]{1,20}$"))
                Problem(MetadataFile, line, $"zns.templateId '{zns.TemplateId}' is not a ZNS template id (digits, as Zalo shows it)");
            foreach (var (variable, parameter) in zns.Parameters ?? [])
            {
                if (variables.All(v => v.Name != variable)) Problem(MetadataFile, line, $"zns.parameters maps '{variable}', which is not a variable of this template");
                if (!Regex.IsMatch(parameter ?? "", "^[A-Za-z_][A-Za-z0-9_]{0,39}$")) Problem(MetadataFile, line, $"zns.parameters: '{parameter}' is not a ZNS parameter name");
            }
        }

        var bodies = new List<TemplateTranslation>();
        var viVersion = 1;
        foreach (var (file, text) in files.Where(f => f.Key.EndsWith(".txt", StringComparison.Ordinal)).OrderBy(f => f.Key == "vi.txt" ? "" : f.Key, StringComparer.Ordinal))
        {
            var code = file[..^4];
            var language = Languages.Default.Canonical(code);
            if (language is null || language != code) { Problem(file, 1, $"unknown language code '{code}' (codes of vn_ethnic_languages, e.g. vi, hnj, tyz, km)"); continue; }
            var body = ParseBody(file, text, variables, Problem);
            if (body is null) continue;
            if (language == Languages.Vietnamese) viVersion = body.SourceVersion;
            bodies.Add(body with { Language = language });
        }
        var vi = bodies.FirstOrDefault(b => b.Language == Languages.Vietnamese);
        if (vi is null) Problem("vi.txt", 1, "missing: the Vietnamese body is required");
        else
            foreach (var t in bodies.Where(b => b != vi))
            {
                // A translation that drops a variable would leave residents without the date or the place.
                var missing = Placeholders.Parse(vi.Sms).Names.Except(Placeholders.Parse(t.Sms).Names).ToList();
                if (missing.Count > 0) Problem($"{t.Language}.txt", LineOf(files[$"{t.Language}.txt"], "[sms]"), $"translation misses variable(s) {string.Join(", ", missing.Select(m => "{" + m + "}"))} of the Vietnamese text");
            }
        if (problems.Count > 0) return (null, problems);
        var translations = bodies.Select(b => b with { Stale = b.Language != Languages.Vietnamese && b.SourceVersion < viVersion }).ToList();
        return (new NoticeTemplate(key, meta.Title!.Trim(), meta.Category?.Trim() ?? "", null, variables, viVersion, translations,
            meta.Zns?.TemplateId, meta.Zns?.Parameters), problems);
    }

    private static TemplateTranslation? ParseBody(string file, string text, IReadOnlyList<TemplateVariable> variables, Action<string, int, string> problem)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sections = new Dictionary<string, (int Line, List<string> Lines)>();
        string? current = null;
        var ok = true;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim() is "[sms]" or "[zalo]") { current = line.Trim()[1..^1]; sections[current] = (i + 2, []); continue; }
            if (current is not null) { sections[current].Lines.Add(line); continue; }
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line[..colon].Trim() : "";
            if (name is not ("state" or "translator" or "approver" or "source-version" or "version"))
            { problem(file, i + 1, $"expected 'state:', 'translator:', 'approver:', 'source-version:' or a [sms] section, found '{line.Trim()}'"); ok = false; continue; }
            headers[name] = line[(colon + 1)..].Trim();
        }
        if (!sections.TryGetValue("sms", out var sms)) { problem(file, 1, "no [sms] section: every language needs a short SMS body"); return null; }
        string? Body(string section, out int startLine)
        {
            startLine = 0;
            if (!sections.TryGetValue(section, out var s)) return null;
            var lead = s.Lines.TakeWhile(l => l.Trim().Length == 0).Count();
            startLine = s.Line + lead;
            var joined = string.Join('\n', s.Lines.Skip(lead)).TrimEnd();
            return joined.Length == 0 ? null : joined;
        }
        var smsText = Body("sms", out var smsLine);
        var zaloText = Body("zalo", out var zaloLine);
        if (smsText is null) { problem(file, sms.Line - 1, "the [sms] body is empty"); return null; }
        foreach (var (body, start) in new[] { (smsText, smsLine), (zaloText, zaloLine) })
        {
            if (body is null) continue;
            var (names, error) = Placeholders.Parse(body);
            if (error is not null) { problem(file, start + error.Line - 1, $"malformed placeholder at column {error.Column}: {error.Reason}"); ok = false; continue; }
            foreach (var n in names.Distinct().Where(n => variables.All(v => v.Name != n)))
            { problem(file, start + LineOf(body, "{" + n + "}") - 1, $"unknown variable {{{n}}} (declared: {string.Join(", ", variables.Select(v => v.Name))})"); ok = false; }
        }
        var state = headers.GetValueOrDefault("state", TranslationState.Draft);
        if (state is not (TranslationState.Draft or TranslationState.Approved)) { problem(file, LineOf(text, "state:"), $"state '{state}' is neither draft nor approved"); ok = false; }
        var versionText = headers.GetValueOrDefault("source-version") ?? headers.GetValueOrDefault("version") ?? "1";
        if (!int.TryParse(versionText, out var version) || version < 1) { problem(file, LineOf(text, "version:"), $"version '{versionText}' is not a positive number"); ok = false; }
        var translator = headers.GetValueOrDefault("translator");
        var approver = headers.GetValueOrDefault("approver");
        if (state == TranslationState.Approved && file != "vi.txt" && (string.IsNullOrEmpty(approver) || approver == translator))
        { problem(file, LineOf(text, "state:"), "an approved translation needs an approver who is not its translator"); ok = false; }
        return ok ? new TemplateTranslation("", smsText, zaloText, file == "vi.txt" ? TranslationState.Approved : state, false, Math.Max(1, version), translator, approver) : null;
    }

    /// <summary>The folder's files for a template as stored: what <see cref="Parse"/> reads back.</summary>
    public static Dictionary<string, string> Write(NoticeTemplate t)
    {
        var files = new Dictionary<string, string>
        {
            [MetadataFile] = JsonSerializer.Serialize(new Metadata(t.Title, t.Category, [.. t.Variables],
                t.ZnsTemplateId is null ? null : new ZnsMetadata(t.ZnsTemplateId, t.ZnsParameters?.ToDictionary())), Json) + "\n",
        };
        foreach (var b in t.Translations)
        {
            var sb = new StringBuilder();
            if (b.Language == Languages.Vietnamese) sb.Append($"version: {t.VietnameseVersion}\n");
            else
            {
                sb.Append($"state: {b.State}\n");
                if (b.Translator is not null) sb.Append($"translator: {b.Translator}\n");
                if (b.Approver is not null) sb.Append($"approver: {b.Approver}\n");
                sb.Append($"source-version: {b.SourceVersion}\n");
            }
            sb.Append("[sms]\n").Append(b.Sms).Append('\n');
            if (b.Zalo is not null) sb.Append("[zalo]\n").Append(b.Zalo).Append('\n');
            files[$"{b.Language}.txt"] = sb.ToString();
        }
        return files;
    }

    private static int LineOf(string text, string needle)
    {
        var i = text.IndexOf(needle, StringComparison.Ordinal);
        return i < 0 ? 1 : 1 + text[..i].Count(c => c == '\n');
    }
}
