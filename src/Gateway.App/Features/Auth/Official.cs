using System.Security.Claims;

namespace Gateway.App.Features.Auth;

/// <summary>
/// A signed-in official: a commune officer (one commune), a province officer (all its communes), or an admin, who
/// manages the accounts and reaches no inbox (no commune, province code "").
/// </summary>
public sealed record Official(string Id, string Username, string DisplayName, string Role, string? CommuneCode, string ProvinceCode)
{
    public const string CommuneRole = "commune";
    public const string ProvinceRole = "province";
    public const string AdminRole = "admin";

    public static readonly IReadOnlyList<string> Roles = [CommuneRole, ProvinceRole, AdminRole];

    public bool IsProvince => Role == ProvinceRole;
    public bool IsAdmin => Role == AdminRole;

    public ClaimsPrincipal ToPrincipal(string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, Id),
        new Claim(ClaimTypes.Name, Username),
        new Claim("display_name", DisplayName),
        new Claim(ClaimTypes.Role, Role),
        new Claim("commune", CommuneCode ?? ""),
        new Claim("province", ProvinceCode),
    ], scheme));

    public static Official? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        var commune = user.FindFirstValue("commune");
        return new Official(
            user.FindFirstValue(ClaimTypes.NameIdentifier)!,
            user.FindFirstValue(ClaimTypes.Name)!,
            user.FindFirstValue("display_name") ?? "",
            user.FindFirstValue(ClaimTypes.Role)!,
            string.IsNullOrEmpty(commune) ? null : commune,
            user.FindFirstValue("province")!);
    }

    /// <summary>
    /// The one access rule: a commune officer reaches their own commune only; a province officer reaches
    /// every commune of their province and the province's triage inbox (commune null). An admin has no commune and
    /// is no province officer, so this is false for every inbox: managing accounts gives no access to messages.
    /// </summary>
    public bool CanAccess(string? communeCode, string provinceCode) =>
        IsProvince ? provinceCode == ProvinceCode : communeCode is not null && communeCode == CommuneCode;
}
