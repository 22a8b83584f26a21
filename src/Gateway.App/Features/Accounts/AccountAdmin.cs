using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Accounts;

/// <summary>
/// What an admin does to accounts, for the API and the page alike: checked, written, audited
/// (<c>account.create</c>, <c>account.disable</c>, <c>account.enable</c>, <c>account.password</c>, <c>account.scope</c>,
/// <c>account.name</c>). Passwords are never audited or logged.
/// </summary>
public sealed class AccountAdmin(Officials officials, AccountStore store, CommuneDirectory directory, AuditLog audit)
{
    public sealed record NewAccount(string? Username, string? DisplayName, string? Role, string? CommuneCode, string? ProvinceCode, string? Password);

    /// <summary>Fields left null keep their value; a commune or province alone keeps the role.</summary>
    public sealed record Change(string? DisplayName, string? Role, string? CommuneCode, string? ProvinceCode);

    public sealed record Outcome(Officials.OfficialRow? Account, AccountProblem? Problem);

    public Task<IReadOnlyList<Officials.OfficialRow>> ListAsync() => officials.ListAsync();

    public async Task<Outcome> CreateAsync(Official actor, NewAccount a)
    {
        var username = a.Username?.Trim() ?? "";
        var displayName = a.DisplayName?.Trim();
        var problem = AccountRules.CheckUsername(username) ?? AccountRules.CheckDisplayName(displayName) ?? AccountRules.CheckPassword(a.Password, username);
        if (problem is not null) return new Outcome(null, problem);
        var scope = AccountRules.CheckScope(directory, a.Role?.Trim(), a.CommuneCode, a.ProvinceCode);
        if (scope.Problem is not null) return new Outcome(null, scope.Problem);
        if (!await store.CreateAsync(username, a.Password!, displayName!, scope.Role, scope.Commune, scope.Province))
            return new Outcome(null, new AccountProblem(StatusCodes.Status409Conflict, $"username '{username}' is taken", $"Tên đăng nhập {username} đã có người dùng."));
        await audit.WriteAsync(actor.Username, "account.create", Target(username), "ok", Describe(scope.Role, scope.Commune, scope.Province));
        return new Outcome(await officials.FindAsync(username), null);
    }

    public async Task<Outcome> SetDisabledAsync(Official actor, string username, bool disabled)
    {
        var (account, missing) = await FindAsync(username);
        if (account is null) return missing!;
        if (disabled && account.Id == actor.Id)
            return new Outcome(null, AccountProblem.Invalid("you cannot disable your own account", "Không thể tự khoá tài khoản của mình."));
        await store.SetDisabledAsync(account, disabled);
        await audit.WriteAsync(actor.Username, disabled ? "account.disable" : "account.enable", Target(account.Username), "ok",
            disabled ? "sessions ended" : null);
        return new Outcome(await officials.FindAsync(account.Username), null);
    }

    public async Task<Outcome> SetPasswordAsync(Official actor, string username, string? password)
    {
        var (account, missing) = await FindAsync(username);
        if (account is null) return missing!;
        if (AccountRules.CheckPassword(password, account.Username) is { } problem) return new Outcome(null, problem);
        await store.SetPasswordAsync(account, password!);
        await audit.WriteAsync(actor.Username, "account.password", Target(account.Username), "ok", "reset by admin; sessions ended");
        return new Outcome(await officials.FindAsync(account.Username), null);
    }

    public async Task<Outcome> ChangeAsync(Official actor, string username, Change change)
    {
        var (account, missing) = await FindAsync(username);
        if (account is null) return missing!;
        var displayName = change.DisplayName?.Trim();
        if (displayName is not null && AccountRules.CheckDisplayName(displayName) is { } bad) return new Outcome(null, bad);

        var scopeChanged = change.Role is not null || change.CommuneCode is not null || change.ProvinceCode is not null;
        var scope = scopeChanged
            ? AccountRules.CheckScope(directory, change.Role?.Trim() ?? account.Role, change.CommuneCode, change.ProvinceCode)
            : (account.Role, account.CommuneCode, account.ProvinceCode, null);
        if (scope.Problem is not null) return new Outcome(null, scope.Problem);
        if (account.Id == actor.Id && scope.Role != Official.AdminRole)
            return new Outcome(null, AccountProblem.Invalid("you cannot remove your own admin role", "Không thể tự bỏ quyền quản trị của mình."));

        if (displayName is not null && displayName != account.DisplayName)
        {
            await store.SetDisplayNameAsync(account, displayName);
            await audit.WriteAsync(actor.Username, "account.name", Target(account.Username), "ok");
        }
        if ((scope.Role != account.Role || scope.Commune != account.CommuneCode || scope.Province != account.ProvinceCode))
        {
            await store.SetScopeAsync(account, scope.Role, scope.Commune, scope.Province);
            await audit.WriteAsync(actor.Username, "account.scope", Target(account.Username), "ok",
                $"{Describe(account.Role, account.CommuneCode, account.ProvinceCode)} -> {Describe(scope.Role, scope.Commune, scope.Province)}");
        }
        return new Outcome(await officials.FindAsync(account.Username), null);
    }

    private async Task<(Officials.OfficialRow? Account, Outcome? Missing)> FindAsync(string username)
    {
        var account = username.Length <= SignIn.MaxUsernameLength ? await officials.FindAsync(username.Trim().ToLowerInvariant()) : null;
        return account is not null ? (account, null)
            : (null, new Outcome(null, new AccountProblem(StatusCodes.Status404NotFound, "no such official", "Không có tài khoản này.")));
    }

    private static string Target(string username) => $"official:{username}";

    private static string Describe(string role, string? commune, string province) =>
        role switch
        {
            Official.CommuneRole => $"commune {commune} ({province})",
            Official.ProvinceRole => $"province {province}",
            _ => role,
        };
}
