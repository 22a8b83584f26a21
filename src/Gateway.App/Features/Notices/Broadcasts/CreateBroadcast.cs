using System.Text.Json;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>A broadcast request checked against its template and the officer's province, or the first problem found.</summary>
public sealed record CheckedBroadcast(NoticeTemplate Template, Dictionary<string, string> Values, Audience Audience, string? Problem)
{
    public static CheckedBroadcast Fail(string problem) => new(null!, [], null!, problem);
}

/// <summary>
/// Creating a broadcast, for the API and the pages alike: <see cref="CheckAsync"/> what was asked, then
/// <see cref="CreateAsync"/> the row (pending approval) and audit it. Nothing sends until a second officer approves.
/// </summary>
public sealed class CreateBroadcast(TemplateStore templates, CommuneDirectory directory, Db db, TimeProvider time, AuditLog audit)
{
    /// <summary>Stores a checked request as a broadcast pending approval, created by <paramref name="official"/>.</summary>
    public async Task<BroadcastRow> CreateAsync(CheckedBroadcast check, CreateBroadcastRequest body, Official official)
    {
        if (check.Problem is not null) throw new ArgumentException("Only a broadcast that passed CheckAsync can be created.", nameof(check));
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = official.ProvinceCode, TemplateKey = check.Template.Key,
            Variables = JsonSerializer.Serialize(check.Values), Audience = JsonSerializer.Serialize(check.Audience, BroadcastJson.Options),
            Emergency = body.Emergency, Recurrence = body.Recurrence?.Trim(), SendAt = body.SendAt?.ToUnixTimeMilliseconds(),
            Status = BroadcastStatus.PendingApproval, CreatedBy = official.Username, CreatedAt = time.NowMs(),
        };
        await using (var c = await db.OpenAsync())
        using (await db.WriteLockAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            await BroadcastStore.InsertAsync(c, tx, row);
            await tx.CommitAsync();
        }
        await audit.WriteAsync(official.Username, "broadcast.create", $"broadcast:{row.Id}", "ok", $"template:{row.TemplateKey}{(row.Emergency ? " emergency" : "")}");
        return row;
    }

    public async Task<CheckedBroadcast> CheckAsync(CreateBroadcastRequest body, Official official, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(body.TemplateKey)) return CheckedBroadcast.Fail("templateKey is required.");
        var template = await templates.FindAsync(body.TemplateKey.Trim(), ct);
        if (template is null || (template.ProvinceCode is not null && template.ProvinceCode != official.ProvinceCode))
            return CheckedBroadcast.Fail($"No template has key '{body.TemplateKey}'.");

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in body.Variables ?? [])
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String: values[name] = value.GetString()!; break;
                case JsonValueKind.Number: values[name] = value.GetRawText(); break;
                default: return CheckedBroadcast.Fail($"Variable '{name}' must be a string or a number.");
            }
        }
        var problems = TemplateRenderer.Validate(template, values, directory);
        if (problems.Count > 0) return CheckedBroadcast.Fail(string.Join(" ", problems));

        if (body.Audience is null) return CheckedBroadcast.Fail("audience is required: communeCodes, tags, languages or wholeProvince.");
        var audience = new Audience(
            (body.Audience.CommuneCodes ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToList(),
            (body.Audience.Tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList(),
            (body.Audience.Languages ?? []).Select(l => Languages.Default.Canonical(l) ?? l).Distinct().ToList(),
            body.Audience.WholeProvince);
        if (AudienceQuery.Validate(audience, official.ProvinceCode, directory, Languages.Default) is { } bad) return CheckedBroadcast.Fail(bad);

        if (body.Recurrence is not null && Recurrence.Validate(body.Recurrence) is { } cronProblem)
            return CheckedBroadcast.Fail($"recurrence: {cronProblem}");

        await using var c = await db.OpenAsync(ct);
        if ((await AudienceQuery.PageAsync(c, null, db.Dialect, directory, audience, official.ProvinceCode, "", 1)).Count == 0)
            return CheckedBroadcast.Fail("The audience matches no resident who can receive notices.");
        return new CheckedBroadcast(template, values, audience, null);
    }
}
