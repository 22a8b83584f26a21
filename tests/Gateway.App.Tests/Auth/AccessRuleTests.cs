using Gateway.App.Features.Auth;
using Gateway.App.Features.Demo;

namespace Gateway.App.Tests.Auth;

/// <summary>
/// The one access rule: a commune officer reaches their own commune only; a province officer every commune of their
/// province and its triage inbox; nobody anything across provinces.
/// </summary>
public sealed class AccessRuleTests
{
    private static readonly Official LienSonOfficer = new("1", "lienson", "UBND Xã Liên Sơn", Official.CommuneRole, "04960", "25");
    private static readonly Official PhuThoOfficer = new("2", "phutho", "Sở Nội vụ Phú Thọ", Official.ProvinceRole, null, "25");
    private static readonly Official LaoCaiOfficer = new("3", "laocai", "Sở Nội vụ Lào Cai", Official.ProvinceRole, null, "15");

    private static Official Of(string who) => who switch
    {
        "lienson" => LienSonOfficer,
        "phutho" => PhuThoOfficer,
        "laocai" => LaoCaiOfficer,
        _ => throw new ArgumentOutOfRangeException(nameof(who)),
    };

    [Theory]
    // commune officer of Xã Liên Sơn (04960, Phú Thọ)
    [InlineData("lienson", "04960", "25", true)]
    [InlineData("lienson", "04792", "25", false)]   // another commune of the same province
    [InlineData("lienson", null, "25", false)]      // the province triage inbox
    [InlineData("lienson", "04660", "15", false)]   // the namesake Xã Liên Sơn of Lào Cai
    [InlineData("lienson", "03046", "15", false)]
    // province officer of Phú Thọ (25)
    [InlineData("phutho", "04960", "25", true)]
    [InlineData("phutho", "04792", "25", true)]
    [InlineData("phutho", null, "25", true)]
    [InlineData("phutho", "04660", "15", false)]
    [InlineData("phutho", null, "15", false)]
    // province officer of Lào Cai (15)
    [InlineData("laocai", "03046", "15", true)]
    [InlineData("laocai", null, "15", true)]
    [InlineData("laocai", "04960", "25", false)]
    [InlineData("laocai", null, "25", false)]
    public void Should_allow_only_what_the_officers_role_covers(string who, string? commune, string province, bool allowed) =>
        Assert.Equal(allowed, Of(who).CanAccess(commune, province));

    [Fact]
    public void Should_round_trip_an_official_through_the_principal()
    {
        foreach (var official in new[] { LienSonOfficer, PhuThoOfficer })
            Assert.Equal(official, Official.From(official.ToPrincipal("Token")));
    }

    [Fact]
    public void Should_not_read_an_anonymous_principal_as_an_official() =>
        Assert.Null(Official.From(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity())));

    [Fact]
    public void Should_seed_each_demo_officer_in_the_province_of_their_commune()
    {
        var directory = Gateway.App.Features.Directory.CommuneDirectory.Default;
        foreach (var account in DemoSeeder.Accounts.Where(a => a.Commune is not null))
        {
            var commune = directory.FindCommune(account.Commune!);
            Assert.NotNull(commune);
            Assert.True(commune.ProvinceCode == account.Province,
                $"{account.Username}: commune {commune.Code} ({commune.Name}) is in province {commune.ProvinceCode}, the account says {account.Province}");
        }
    }
}
