using System.Text.Json;
using Gateway.App.Features.Notices.Audiences;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>A <c>broadcasts</c> row as stored.</summary>
public sealed class BroadcastRow
{
    public const string Columns =
        "id AS Id, province_code AS ProvinceCode, template_key AS TemplateKey, variables AS Variables, audience AS Audience, " +
        "emergency AS Emergency, recurrence AS Recurrence, send_at AS SendAt, status AS Status, next_run_at AS NextRunAt, run AS Run, " +
        "expanded AS Expanded, lease_owner AS LeaseOwner, lease_until AS LeaseUntil, last_progress_at AS LastProgressAt, " +
        "created_by AS CreatedBy, approved_by AS ApprovedBy, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public string Id { get; init; } = "";
    public string ProvinceCode { get; init; } = "";
    public string TemplateKey { get; init; } = "";
    public string Variables { get; init; } = "{}";
    public string Audience { get; init; } = "{}";
    public bool Emergency { get; init; }
    public string? Recurrence { get; init; }
    public long? SendAt { get; init; }
    public string Status { get; init; } = "";
    public long? NextRunAt { get; init; }
    public int Run { get; init; }
    public bool Expanded { get; init; }
    public string? LeaseOwner { get; init; }
    public long? LeaseUntil { get; init; }
    public long? LastProgressAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public string? ApprovedBy { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    public IReadOnlyDictionary<string, string> VariableValues =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Variables) ?? [];

    public Audience AudienceValue => JsonSerializer.Deserialize<Audience>(Audience, BroadcastJson.Options)!;

    public BroadcastDto ToDto(BroadcastCounts counts) => new(Id, Status, TemplateKey, ProvinceCode, Emergency, Recurrence,
        At(SendAt), At(NextRunAt), Run, CreatedBy, ApprovedBy, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), counts);

    private static DateTimeOffset? At(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

internal static class BroadcastJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
