using System.Security.Cryptography;
using Gateway.App.Features.Auth;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Demo;

/// <summary>
/// The demo's officials: province officer <c>phutho</c> (Phú Thọ, 25), commune officers <c>lienson</c>
/// (Xã Liên Sơn, 04960) and <c>banho</c> (Xã Bản Hồ, 03046, Lào Cai), <c>phuthoduyet</c> (a second Phú Thọ province
/// officer, who approves notices), and about 2,000 residents of Phú Thọ (<see cref="DemoResidents"/>). The password comes from
/// <c>GATEWAY_DEMO_PASSWORD</c>, else a fresh one is generated and printed at start-up.
/// </summary>
public sealed class DemoSeeder(Officials officials, DemoResidents residents, IOptions<DemoOptions> options, IConfiguration configuration, ILogger<DemoSeeder> logger)
{
    public static readonly (string Username, string DisplayName, string Role, string? Commune, string Province)[] Accounts =
    [
        ("phutho", "Sở Nội vụ Phú Thọ", Official.ProvinceRole, null, "25"),
        ("phuthoduyet", "Sở Nội vụ Phú Thọ – người duyệt", Official.ProvinceRole, null, "25"), // a second officer approves notices
        ("lienson", "UBND Xã Liên Sơn", Official.CommuneRole, "04960", "25"),
        ("banho", "UBND Xã Bản Hồ", Official.CommuneRole, "03046", "15"),
        ("quantri", "Quản trị tài khoản", Official.AdminRole, null, ""), // manages officials; reads no inbox
    ];

    public string? Password { get; private set; }
    public bool PasswordGenerated { get; private set; }

    public async Task SeedAsync()
    {
        if (!options.Value.Enabled) return;
        Password = configuration["GATEWAY_DEMO_PASSWORD"];
        if (string.IsNullOrEmpty(Password))
        {
            Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(9)).Replace('+', 'x').Replace('/', 'y');
            PasswordGenerated = true;
        }
        foreach (var a in Accounts)
            await officials.CreateOrUpdateAsync(a.Username, Password, a.DisplayName, a.Role, a.Commune, a.Province);
        logger.LogInformation("Demo officials ready: {Users}", string.Join(", ", Accounts.Select(a => a.Username)));
        await residents.SeedAsync();
    }
}
