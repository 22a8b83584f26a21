using Gateway.App.Features.Auth;

namespace Gateway.App.Features.Accounts;

/// <summary>
/// Accounts and access (issue 7) in two calls: <see cref="AddAccountsAndSignIn"/> from <c>AddGatewayAuth</c>, and
/// <see cref="UseAccountsAndSignInAsync"/> in Program.cs before any other middleware.
/// </summary>
public static class AccountsSetup
{
    public static IServiceCollection AddAccountsAndSignIn(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Validate(o => o.IsValid(out _), "Auth: invalid session or sign-in throttle settings (see AuthOptions)").ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignIn>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<AccountAdmin>();
        services.AddSingleton<AccountBootstrap>();
        services.AddTransportSecurity();
        return services;
    }

    /// <summary>
    /// Forwarded headers and HSTS first (everything after sees the client's scheme and address), then the admin's
    /// API and page, and the bootstrap admin once the schema is there (this runs after migrations).
    /// </summary>
    public static async Task UseAccountsAndSignInAsync(this WebApplication app)
    {
        app.UseTransportSecurity();
        app.MapAccountsApi();
        app.MapAccountsPage();
        await app.Services.GetRequiredService<AccountBootstrap>().RunAsync();
    }
}
