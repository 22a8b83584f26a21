using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Residents;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Residents.ResidentImportTests;

namespace Gateway.App.Tests.Residents;

/// <summary>Who a broadcast reaches: the union of its criteria, inside the province, never the opted-out.</summary>
public sealed class AudienceQueryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    private static readonly CommuneDirectory Directory = CommuneDirectory.Default;
    private static readonly string ThirdPhuTho = Directory.CommunesOf(PhuTho).Select(c => c.Code).First(c => c != LienSon && c != OtherPhuTho);

    public async Task InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(output);
        var result = await _host.Get<ResidentImporter>().ImportAsync(Csv(
            "phone,zalo_user_id,commune_code,language,tags\n" +
            $"0912100001,,{LienSon},vi,\n" +                             // a: Liên Sơn
            $"0912100002,7100000002,{OtherPhuTho},hnj,\n" +              // b: Mông speaker, phone + Zalo
            $"0912100003,,{ThirdPhuTho},vi,ho-ngheo\n" +                 // c: tagged
            $"0912100004,,{ThirdPhuTho},,\n" +                           // d: nothing chosen matches
            $"0912100005,,{LienSon},hnj,ho-ngheo\n"), PhuTho);           // e: opted out below
        Assert.Empty(result.Rejected);
        await using (var c = await _host.OpenAsync())
        {
            await c.ExecuteAsync("UPDATE residents SET opted_out = 1 WHERE urn = 'tel:+84912100005'");
            await c.ExecuteAsync("UPDATE resident_addresses SET following = 1, last_inbound_at = 1234 WHERE urn = 'zalo:7100000002'");
        }
        await _host.AddResidentAsync("tel:+84912100006", BanHo);       // f: Lào Cai, never in Phú Thọ's audience
        await _host.ExecuteAsync("UPDATE residents SET language = 'hnj' WHERE urn = 'tel:+84912100006'");
        await _host.ExecuteAsync("INSERT INTO resident_tags (resident_id, tag) SELECT id, 'ho-ngheo' FROM residents WHERE urn = 'tel:+84912100006'");
        await _host.AddResidentAsync("tel:+84912100007", communeCode: null); // g: no commune yet: in no province
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<List<AudienceMember>> AllAsync(Audience audience, int pageSize = 5000, string province = PhuTho)
    {
        var all = new List<AudienceMember>();
        await using var c = await _host.OpenAsync();
        var after = "";
        while (true)
        {
            var page = await AudienceQuery.PageAsync(c, null, _host.Db.Dialect, Directory, audience, province, after, pageSize);
            Assert.True(page.Count <= pageSize);
            all.AddRange(page);
            if (page.Count < pageSize) return all;
            after = page[^1].ResidentId;
        }
    }

    private static List<string> Phones(IEnumerable<AudienceMember> members) => members.Select(m => m.TelUrn!).Order().ToList();

    private static string Tel(int n) => $"tel:+8491210000{n}";

    [Fact]
    public async Task Should_take_the_union_of_communes_tags_and_languages()
    {
        Assert.Equal([Tel(1)], Phones(await AllAsync(new Audience([LienSon], [], [], false))));
        Assert.Equal([Tel(3)], Phones(await AllAsync(new Audience([], [" Ho-Ngheo "], [], false))));
        Assert.Equal([Tel(2)], Phones(await AllAsync(new Audience([], [], ["HNJ"], false))));
        Assert.Equal([Tel(1), Tel(2), Tel(3)], Phones(await AllAsync(new Audience([LienSon], ["ho-ngheo"], ["hnj"], false))));
    }

    [Fact]
    public async Task Should_take_every_resident_of_the_province_but_the_opted_out_and_those_of_other_provinces()
    {
        var members = await AllAsync(new Audience([], [], [], true));
        Assert.Equal([Tel(1), Tel(2), Tel(3), Tel(4)], Phones(members));
        var b = members.Single(m => m.TelUrn == Tel(2));
        Assert.Equal(new AudienceMember(b.ResidentId, OtherPhuTho, "hnj", Tel(2), "zalo:7100000002", true, 1234), b);
        Assert.All(members.Where(m => m != b), m => Assert.Equal((null, false, (long?)null), (m.ZaloUrn, m.ZaloFollowing, m.ZaloLastInboundAt)));
    }

    [Fact]
    public async Task Should_count_the_opted_out_with_the_same_criteria()
    {
        await using var c = await _host.OpenAsync();
        var dialect = _host.Db.Dialect;
        Assert.Equal(1, await AudienceQuery.CountOptedOutAsync(c, dialect, Directory, new Audience([], [], [], true), PhuTho));
        Assert.Equal(1, await AudienceQuery.CountOptedOutAsync(c, dialect, Directory, new Audience([], ["ho-ngheo"], [], false), PhuTho));
        Assert.Equal(0, await AudienceQuery.CountOptedOutAsync(c, dialect, Directory, new Audience([OtherPhuTho], [], [], false), PhuTho));
        Assert.Equal(0, await AudienceQuery.CountOptedOutAsync(c, dialect, Directory, new Audience([], [], [], true), "15")); // f did not opt out
    }

    [Fact]
    public async Task Should_keep_other_provinces_out_even_for_their_communes_tags_and_languages()
    {
        Assert.Empty(await AllAsync(new Audience([BanHo], [], [], false)));
        Assert.DoesNotContain(Tel(6), Phones(await AllAsync(new Audience([], ["ho-ngheo"], ["hnj"], false))));
        Assert.Equal([Tel(6)], Phones(await AllAsync(new Audience([], ["ho-ngheo"], [], false), province: "15")));
    }

    [Fact]
    public async Task Should_return_each_member_once_across_pages()
    {
        var rows = string.Concat(Enumerable.Range(0, 1234).Select(i => $"09130{i:D5},,{(i % 3 == 0 ? LienSon : OtherPhuTho)},vi,{(i % 2 == 0 ? "ho-ngheo;nguoi-cao-tuoi" : "")}\n"));
        var result = await _host.Get<ResidentImporter>().ImportAsync(Csv("phone,zalo_user_id,commune_code,language,tags\n" + rows), PhuTho);
        Assert.Equal(1234, result.Imported);

        var audience = new Audience([LienSon], ["ho-ngheo", "nguoi-cao-tuoi"], [], false); // a resident matching twice is still one row
        var paged = await AllAsync(audience, pageSize: 100);
        var whole = await AllAsync(audience, pageSize: 100_000);
        Assert.Equal(paged.Count, paged.Select(m => m.ResidentId).Distinct().Count());
        Assert.Equal(whole.Select(m => m.ResidentId), paged.Select(m => m.ResidentId));
        var expected = Enumerable.Range(0, 1234).Count(i => i % 3 == 0 || i % 2 == 0) + 2; // + a (Liên Sơn) and c (tagged)
        Assert.Equal(expected, paged.Count);
        Assert.Equal(paged.Select(m => m.ResidentId).Order(StringComparer.Ordinal), paged.Select(m => m.ResidentId));
    }

    [Theory]
    [InlineData(new string[0], new string[0], new string[0], false, "trống")]
    [InlineData(new[] { "03046" }, new string[0], new string[0], false, "Xã Bản Hồ")]
    [InlineData(new[] { "99999" }, new string[0], new string[0], false, "99999")]
    [InlineData(new string[0], new string[0], new[] { "klingon" }, false, "klingon")]
    public void Should_say_what_is_wrong_with_an_audience(string[] communes, string[] tags, string[] languages, bool whole, string named)
    {
        var problem = AudienceQuery.Validate(new Audience(communes, tags, languages, whole), PhuTho, Directory, Languages.Default);
        Assert.NotNull(problem);
        Assert.Contains(named, problem);
    }

    [Fact]
    public void Should_accept_a_valid_audience()
    {
        Assert.Null(AudienceQuery.Validate(new Audience([], [], [], true), PhuTho, Directory, Languages.Default));
        Assert.Null(AudienceQuery.Validate(new Audience([LienSon], ["ho-ngheo"], ["vi", "HNJ"], false), PhuTho, Directory, Languages.Default));
    }
}
