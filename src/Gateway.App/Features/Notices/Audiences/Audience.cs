namespace Gateway.App.Features.Notices.Audiences;

/// <summary>
/// Who a notice goes to, within one province: the whole province, or the union of the chosen communes, tags and
/// languages (a resident matching any of them is in).
/// </summary>
public sealed record Audience(IReadOnlyList<string> CommuneCodes, IReadOnlyList<string> Tags, IReadOnlyList<string> Languages, bool WholeProvince);

/// <summary>One resident to reach: their first phone and first Zalo address, with what decides whether Zalo can carry it.</summary>
public sealed record AudienceMember(string ResidentId, string CommuneCode, string? Language, string? TelUrn, string? ZaloUrn, bool ZaloFollowing, long? ZaloLastInboundAt);
