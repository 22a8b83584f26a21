using Gateway.App.Features.Demo;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Residents;

/// <summary>The demo's residents: deterministic, through the importer, once.</summary>
public sealed class DemoResidentsTests(ITestOutputHelper output)
{
    [Fact]
    public void Should_generate_the_same_people_every_time_with_the_mix_the_demo_needs()
    {
        var a = DemoResidents.People(CommuneDirectory.Default);
        var b = DemoResidents.People(CommuneDirectory.Default);
        Assert.Equal(DemoResidents.Csv(a), DemoResidents.Csv(b));
        Assert.Equal(DemoResidents.Count, a.Count);
        foreach (var language in new[] { "vi", "mtq", "blt", "hnj", "tyz", "" }) Assert.Contains(a, p => p.Language == language);
        Assert.True(a.Count(p => p.Language == "vi") > a.Count / 2);
        foreach (var tag in new[] { "ho-ngheo", "tre-em-duoi-6", "nguoi-cao-tuoi" }) Assert.Contains(a, p => p.Tags.Contains(tag));
        Assert.Contains(a, p => p.HasZalo && p.Follows);
        Assert.Contains(a, p => p.HasZalo && !p.Follows);
        Assert.InRange(a.Count(p => p.OptsOut), 1, 100);
        Assert.All(a, p => Assert.Equal("25", CommuneDirectory.Default.FindCommune(p.Commune)!.ProvinceCode));
    }

    [Fact]
    public async Task Should_seed_once_through_the_importer()
    {
        await using var host = await GatewayTestHost.StartAsync(output);
        var demo = host.Get<DemoResidents>();
        await demo.SeedAsync();
        var people = DemoResidents.People(CommuneDirectory.Default);

        Assert.Equal(people.Count, await host.ScalarAsync<long>("SELECT COUNT(*) FROM residents WHERE imported_at IS NOT NULL"));
        Assert.Equal(people.Count(p => p.OptsOut), await host.ScalarAsync<long>("SELECT COUNT(*) FROM residents WHERE opted_out = 1"));
        Assert.Equal(people.Count(p => p.Language == ""), await host.ScalarAsync<long>("SELECT COUNT(*) FROM residents WHERE language IS NULL"));
        Assert.Equal(people.Count(p => p.Follows), await host.ScalarAsync<long>(
            "SELECT COUNT(*) FROM resident_addresses WHERE scheme = 'zalo' AND following = 1 AND last_inbound_at IS NOT NULL"));
        Assert.Equal(people.Count(p => p.HasZalo && !p.Follows), await host.ScalarAsync<long>(
            "SELECT COUNT(*) FROM resident_addresses WHERE scheme = 'zalo' AND following = 0"));

        await using (var c = await host.OpenAsync())
        {
            var members = await AudienceQuery.PageAsync(c, null, host.Db.Dialect, CommuneDirectory.Default, new Audience([], [], [], true), "25", "", 5000);
            Assert.Equal(people.Count(p => !p.OptsOut), members.Count);
            Assert.All(members, m => Assert.StartsWith("tel:" + DemoResidents.PhonePrefix, m.TelUrn));
        }

        var updatedAt = await host.ScalarAsync<long>("SELECT MAX(updated_at) FROM residents");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await demo.SeedAsync(); // a restart: the residents are there already
        Assert.Equal(people.Count, await host.ScalarAsync<long>("SELECT COUNT(*) FROM residents"));
        Assert.Equal(updatedAt, await host.ScalarAsync<long>("SELECT MAX(updated_at) FROM residents"));
    }
}
