using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Accounts;

/// <summary>
/// The first admin of a fresh deployment (production seeds no demo accounts): <c>Accounts:BootstrapAdmin</c> names
/// it, <c>Accounts:BootstrapAdminPassword</c> (a secret: environment file, never the repository) is its password.
/// Created once, only while no account has that username; an existing account is never touched, so the setting
/// can stay in place and a later password reset by an admin holds.
/// </summary>
public sealed class AccountBootstrap(IConfiguration configuration, Officials officials, AccountStore store, AuditLog audit, ILogger<AccountBootstrap> logger)
{
    public const string UsernameKey = "Accounts:BootstrapAdmin";
    public const string PasswordKey = "Accounts:BootstrapAdminPassword";

    public async Task RunAsync()
    {
        var username = configuration[UsernameKey]?.Trim();
        if (string.IsNullOrEmpty(username)) return;
        var password = configuration[PasswordKey];
        var problem = AccountRules.CheckUsername(username) ?? AccountRules.CheckPassword(password, username);
        if (problem is not null) throw new InvalidOperationException($"{UsernameKey}/{PasswordKey}: {problem.Title}");
        if (await officials.FindAsync(username) is not null) return;
        if (!await store.CreateAsync(username, password!, "Quản trị viên", Official.AdminRole, null, "")) return; // another instance was first
        await audit.WriteAsync("bootstrap", "account.create", $"official:{username}", "ok", "admin, from configuration");
        logger.LogInformation("Created the bootstrap admin account {User} ({Key})", LogMask.Username(username), UsernameKey);
    }
}
