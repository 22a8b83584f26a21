using System.IO.Compression;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Notices.Templates;

/// <summary>
/// Templates and their translations for province officers: list, create (owned by the officer's province), write a
/// translation (the caller is its translator; for vi it edits the source), approve (not by the translator), export
/// as the folder's files. Every change is audited, without the texts.
/// </summary>
public static class TemplatesApi
{
    public sealed record BodyRequest(string? Sms, string? Zalo);
    /// <param name="Parameters">Template variable → ZNS parameter name, as registered with Zalo.</param>
    public sealed record ZnsRequest(string? TemplateId, Dictionary<string, string>? Parameters);
    public sealed record CreateTemplateRequest(string? Key, string? Title, string? Category, List<TemplateVariable>? Variables, Dictionary<string, BodyRequest>? Bodies,
        ZnsRequest? Zns = null);

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/templates").RequireAuthorization().WithTags("Templates");

        api.MapGet("", async (HttpContext http, TemplateStore store) =>
        {
            if (Officer(http) is not { } official) return NotProvince();
            var list = await store.ListAsync(official.ProvinceCode);
            return Results.Ok(list.Select(t => new
            {
                key = t.Key, title = t.Title, category = t.Category, variables = t.Variables.Select(v => new { name = v.Name, type = v.Type }),
                translations = t.Translations.Select(b => new { language = b.Language, state = b.State, stale = b.Stale }),
            }));
        });

        api.MapPost("", async (CreateTemplateRequest body, HttpContext http, TemplateStore store, AuditLog audit) =>
        {
            if (Officer(http) is not { } official) return NotProvince();
            var key = body.Key?.Trim() ?? "";
            var files = new Dictionary<string, string>
            {
                [TemplateFiles.MetadataFile] = System.Text.Json.JsonSerializer.Serialize(new { title = body.Title, category = body.Category, variables = body.Variables ?? [],
                    zns = body.Zns is null ? null : new { templateId = body.Zns.TemplateId, parameters = body.Zns.Parameters } }),
            };
            foreach (var (language, b) in body.Bodies ?? [])
                files[$"{language}.txt"] = BodyFile(b, language == Languages.Vietnamese ? null : official.Username);
            var (template, problems) = TemplateFiles.Parse(key, files, key);
            if (template is null) return Results.Problem(statusCode: 400, title: "Template refused", detail: string.Join(" ", problems.Select(p => p[(p.IndexOf('/') + 1)..])));
            var change = await store.CreateAsync(template with { ProvinceCode = official.ProvinceCode }, official.Username);
            await audit.WriteAsync(official.Username, "template.create", $"template:{key}", change == TemplateChange.Done ? "ok" : "failed");
            return change == TemplateChange.Done
                ? Results.Created($"/api/templates/{key}", new { key })
                : Results.Problem(statusCode: 409, title: "Template exists", detail: $"A template with key '{key}' exists.");
        });

        api.MapPut("/{key}/translations/{language}", async (string key, string language, BodyRequest body, HttpContext http, TemplateStore store, AuditLog audit) =>
        {
            if (Officer(http) is not { } official) return NotProvince();
            var template = await VisibleAsync(store, key, official);
            if (template is null) return Results.Problem(statusCode: 404, title: "No such template");
            var code = Languages.Default.Canonical(language);
            if (code is null) return Results.Problem(statusCode: 400, title: "Unknown language", detail: $"'{language}' is not a language code of vn_ethnic_languages (e.g. vi, hnj, tyz, km).");
            var sms = body.Sms is null ? "" : VietText.Normalize(body.Sms);
            var zalo = string.IsNullOrWhiteSpace(body.Zalo) ? null : VietText.Normalize(body.Zalo);
            if (sms.Length == 0) return Results.Problem(statusCode: 400, title: "Empty text", detail: "\"sms\" is required.");
            if (Check(template, code, sms, zalo) is { } problem) return Results.Problem(statusCode: 400, title: "Translation refused", detail: problem);
            await store.PutTranslationAsync(template.Key, code, sms, zalo, official.Username);
            await audit.WriteAsync(official.Username, code == Languages.Vietnamese ? "template.edit" : "template.translate", $"template:{key}/{code}", "ok");
            var updated = await store.FindAsync(template.Key);
            var t = updated!.Translation(code)!;
            return Results.Ok(new { language = t.Language, state = t.State, stale = t.Stale });
        });

        api.MapPost("/{key}/translations/{language}/approve", async (string key, string language, HttpContext http, TemplateStore store, AuditLog audit) =>
        {
            if (Officer(http) is not { } official) return NotProvince();
            var template = await VisibleAsync(store, key, official);
            if (template is null) return Results.Problem(statusCode: 404, title: "No such template");
            var code = Languages.Default.Canonical(language) ?? language;
            var change = await store.ApproveAsync(template.Key, code, official.Username);
            await audit.WriteAsync(official.Username, "template.approve", $"template:{key}/{code}", change == TemplateChange.Done ? "ok" : change == TemplateChange.SameOfficer ? "denied" : "failed");
            return change switch
            {
                TemplateChange.Done => Results.Ok(new { language = code, state = TranslationState.Approved, stale = false }),
                TemplateChange.SameOfficer => Results.Problem(statusCode: 403, title: "A second officer must approve", detail: "The translator cannot approve their own translation."),
                TemplateChange.Stale => Results.Problem(statusCode: 409, title: "Stale translation", detail: "The Vietnamese text changed since this translation: edit it first."),
                TemplateChange.AlreadyApproved => Results.Problem(statusCode: 409, title: "Already approved"),
                _ => Results.Problem(statusCode: 404, title: "No such translation", detail: $"Template '{key}' has no '{code}' text."),
            };
        });

        api.MapGet("/{key}/export", async (string key, HttpContext http, TemplateStore store) =>
        {
            if (Officer(http) is not { } official) return NotProvince();
            var template = await VisibleAsync(store, key, official);
            if (template is null) return Results.Problem(statusCode: 404, title: "No such template");
            var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var (name, content) in TemplateFiles.Write(template))
                {
                    await using var entry = archive.CreateEntry($"{template.Key}/{name}").Open();
                    await entry.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content));
                }
            return Results.File(zip.ToArray(), "application/zip", $"{template.Key}.zip");
        });
        return app;
    }

    /// <summary>The same checks as the folder loader: placeholders well formed, declared, none of the Vietnamese text's dropped.</summary>
    public static string? Check(NoticeTemplate template, string language, string sms, string? zalo)
    {
        var current = TemplateFiles.Write(template);
        var files = new Dictionary<string, string> { [TemplateFiles.MetadataFile] = current[TemplateFiles.MetadataFile] };
        if (language == Languages.Vietnamese) files["vi.txt"] = BodyFile(new BodyRequest(sms, zalo), null);
        else
        {
            files["vi.txt"] = current["vi.txt"];
            files[$"{language}.txt"] = BodyFile(new BodyRequest(sms, zalo), "check");
        }
        var (_, problems) = TemplateFiles.Parse(template.Key, files, template.Key);
        return problems.Count == 0 ? null : string.Join(" ", problems.Select(p => p[(p.IndexOf('/') + 1)..]));
    }

    private static string BodyFile(BodyRequest b, string? translator) =>
        (translator is null ? "" : $"translator: {translator}\n") + $"[sms]\n{b.Sms}\n" + (string.IsNullOrWhiteSpace(b.Zalo) ? "" : $"[zalo]\n{b.Zalo}\n");

    private static async Task<NoticeTemplate?> VisibleAsync(TemplateStore store, string key, Official official) =>
        await store.FindAsync(key) is { } t && (t.ProvinceCode is null || t.ProvinceCode == official.ProvinceCode) ? t : null;

    private static Official? Officer(HttpContext http) => Official.From(http.User) is { IsProvince: true } o ? o : null;

    private static IResult NotProvince() =>
        Results.Problem(statusCode: 403, title: "Province officers only", detail: "Templates are written and approved by province officers.");
}
