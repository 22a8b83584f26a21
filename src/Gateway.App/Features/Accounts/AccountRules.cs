using System.Text.RegularExpressions;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Accounts;

/// <summary>Why an account change was refused: English for the API's problem, Vietnamese for the page.</summary>
public sealed record AccountProblem(int Status, string Title, string Vietnamese)
{
    public static AccountProblem Invalid(string title, string vietnamese) => new(StatusCodes.Status400BadRequest, title, vietnamese);
}

/// <summary>What a username, a password, a display name and a scope (role + commune or province) must be.</summary>
public static partial class AccountRules
{
    public const int MinPasswordLength = 10;

    /// <summary>Lower-case letters, digits, '.', '_' and '-'; 3 to 64 characters (the sign-in cap).</summary>
    public static AccountProblem? CheckUsername(string? username) =>
        username is not null && UsernamePattern().IsMatch(username) ? null
            : AccountProblem.Invalid($"username must be 3-{SignIn.MaxUsernameLength} characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
                $"Tên đăng nhập gồm 3–{SignIn.MaxUsernameLength} ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.");

    public static AccountProblem? CheckPassword(string? password, string username)
    {
        if (password is null || password.Length < MinPasswordLength)
            return AccountProblem.Invalid($"password must have at least {MinPasswordLength} characters", $"Mật khẩu cần ít nhất {MinPasswordLength} ký tự.");
        if (password.Length > SignIn.MaxPasswordLength)
            return AccountProblem.Invalid($"password must have at most {SignIn.MaxPasswordLength} characters", $"Mật khẩu tối đa {SignIn.MaxPasswordLength} ký tự.");
        if (password.Contains(username, StringComparison.OrdinalIgnoreCase))
            return AccountProblem.Invalid("password must not contain the username", "Mật khẩu không được chứa tên đăng nhập.");
        return null;
    }

    public static AccountProblem? CheckDisplayName(string? displayName) =>
        displayName is { Length: > 0 and <= 100 } && !string.IsNullOrWhiteSpace(displayName) && !displayName.Any(char.IsControl) ? null
            : AccountProblem.Invalid("displayName must be 1-100 characters, with no control characters", "Tên hiển thị gồm 1–100 ký tự.");

    /// <summary>
    /// A commune officer names a commune (the province follows from it), a province officer a province and no
    /// commune, an admin neither. Codes are checked against the commune directory.
    /// </summary>
    public static (string Role, string? Commune, string Province, AccountProblem? Problem) CheckScope(
        CommuneDirectory directory, string? role, string? communeCode, string? provinceCode)
    {
        var commune = Blank(communeCode);
        var province = Blank(provinceCode);
        switch (role)
        {
            case Official.CommuneRole:
                if (commune is null)
                    return Fail(AccountProblem.Invalid("a commune officer needs a communeCode", "Cán bộ xã cần mã xã."));
                var found = directory.FindCommune(commune);
                if (found is null)
                    return Fail(AccountProblem.Invalid($"no commune has code '{commune}'", $"Không có xã nào mang mã {commune}."));
                if (province is not null && province != found.ProvinceCode)
                    return Fail(AccountProblem.Invalid($"commune {found.Code} is in province {found.ProvinceCode}, not {province}",
                        $"Xã {found.Name} thuộc tỉnh mã {found.ProvinceCode}, không phải {province}."));
                return (role, found.Code, found.ProvinceCode, null);
            case Official.ProvinceRole:
                if (commune is not null)
                    return Fail(AccountProblem.Invalid("a province officer has no communeCode", "Cán bộ tỉnh không gắn với một xã."));
                if (province is null)
                    return Fail(AccountProblem.Invalid("a province officer needs a provinceCode", "Cán bộ tỉnh cần mã tỉnh."));
                if (directory.FindProvince(province) is null)
                    return Fail(AccountProblem.Invalid($"no province has code '{province}'", $"Không có tỉnh nào mang mã {province}."));
                return (role, null, province, null);
            case Official.AdminRole:
                if (commune is not null || province is not null)
                    return Fail(AccountProblem.Invalid("an admin has no communeCode or provinceCode (an admin manages accounts, not inboxes)",
                        "Quản trị viên không gắn với xã hay tỉnh nào."));
                return (role, null, "", null);
            default:
                return Fail(AccountProblem.Invalid($"role must be one of: {string.Join(", ", Official.Roles)}", "Vai trò không hợp lệ."));
        }

        static (string, string?, string, AccountProblem?) Fail(AccountProblem p) => ("", null, "", p);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{2,63}$")]
    private static partial Regex UsernamePattern();
}
