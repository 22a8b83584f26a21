using System.Text.Json;

namespace Gateway.App.Features.Notices.Broadcasts;

public sealed record AudienceRequest(IReadOnlyList<string>? CommuneCodes, IReadOnlyList<string>? Tags, IReadOnlyList<string>? Languages, bool WholeProvince);

/// <summary><c>POST /api/broadcasts</c>. Variables may be JSON strings or numbers (money as 1500000).</summary>
public sealed record CreateBroadcastRequest(string? TemplateKey, Dictionary<string, JsonElement>? Variables, AudienceRequest? Audience,
    DateTimeOffset? SendAt, string? Recurrence, bool Emergency);

public sealed record BroadcastCounts(long Recipients, long Queued, long Sent, long Delivered, long Failed, long Skipped, long Unknown, long Cancelled);

public sealed record BroadcastDto(string Id, string Status, string TemplateKey, string ProvinceCode, bool Emergency, string? Recurrence,
    DateTimeOffset? SendAt, DateTimeOffset? NextRunAt, int Run, string CreatedBy, string? ApprovedBy, DateTimeOffset CreatedAt, BroadcastCounts Counts);
