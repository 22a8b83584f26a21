using System.Text;
using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Residents;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Residents;

/// <summary>A province officer's residents list: bad rows reported by line, good rows kept, a re-import updates.</summary>
public sealed class ResidentImportTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string PhuTho = "25";
    public const string LienSon = GatewayTestHost.LienSon;            // 04960, Phú Thọ
    public const string BanHo = GatewayTestHost.BanHo;                // 03046, Lào Cai
    public static readonly string OtherPhuTho = CommuneDirectory.Default.CommunesOf(PhuTho).First(c => c.Code != LienSon).Code;

    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static Stream Csv(string text, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new MemoryStream(bom ? [.. Encoding.UTF8.GetPreamble(), .. bytes] : bytes);
    }

    private Task<ImportResult> ImportAsync(string text, string province = PhuTho, bool bom = false) =>
        _host.Get<ResidentImporter>().ImportAsync(Csv(text, bom), province);

    private Task<long> CountAsync(string table) => _host.ScalarAsync<long>($"SELECT COUNT(*) FROM {table}");

    private Task<List<string>> TagsAsync(string urn) => _host.QueryAsync<string>(
        "SELECT t.tag FROM resident_tags t JOIN resident_addresses a ON a.resident_id = t.resident_id WHERE a.urn = @urn ORDER BY t.tag", new { urn });

    private async Task<(string Id, string? Commune, string? Language)> ResidentByAsync(string urn) =>
        (await _host.QueryAsync<(string, string?, string?)>(
            "SELECT r.id, r.commune_code, r.language FROM residents r JOIN resident_addresses a ON a.resident_id = r.id WHERE a.urn = @urn", new { urn })).Single();

    [Fact]
    public async Task Should_report_each_bad_row_by_its_line_and_keep_the_good_ones()
    {
        var result = await ImportAsync(
            "phone,zalo_user_id,commune_code,language,tags\n" +          // 1
            $"0912000001,,{LienSon},vi,ho-ngheo\n" +                     // 2 ok
            $"12345,,{LienSon},vi,\n" +                                  // 3 bad phone
            ",,04960,vi,\n" +                                            // 4 neither address
            "0912000004,,99999,vi,\n" +                                  // 5 unknown commune
            $"0912000005,,{BanHo},vi,\n" +                               // 6 other province
            $"0912000006,,{LienSon},xx-nope,\n" +                        // 7 unknown language
            $",abc,{LienSon},,\n" +                                      // 8 bad zalo id
            $"0912000008,,,vi,\n" +                                      // 9 no commune
            $"0912000009,,{LienSon}\n" +                                 // 10 wrong column count
            $",7001234567,{OtherPhuTho},,\n");                           // 11 ok (zalo only)

        Assert.Equal(2, result.Imported);
        Assert.Equal(0, result.Updated);
        Assert.Equal(new ImportRejection[]
        {
            new(3, ImportReasons.BadPhone), new(4, ImportReasons.NoAddress), new(5, ImportReasons.UnknownCommune),
            new(6, ImportReasons.OtherProvince), new(7, ImportReasons.UnknownLanguage), new(8, ImportReasons.BadZaloId),
            new(9, ImportReasons.NoCommune), new(10, ImportReasons.WrongColumnCount),
        }, result.Rejected);
        Assert.Equal(2, await CountAsync("residents"));
        Assert.Equal(LienSon, (await ResidentByAsync("tel:+84912000001")).Commune);
        Assert.Equal(OtherPhuTho, (await ResidentByAsync("zalo:7001234567")).Commune);
    }

    [Fact]
    public async Task Should_read_quoted_fields_a_bom_crlf_and_normalize_tags_and_language()
    {
        var result = await ImportAsync(
            "phone,zalo_user_id,commune_code,language,tags\r\n" +
            $"\"+84 912 000 101\",,{LienSon},HNJ,\" Ho-Ngheo ; tre-em-duoi-6;;ho-ngheo\"\r\n" +
            $"\"0912,000,102\",,{LienSon},,\r\n" +                       // a comma inside quotes: one field (then a bad phone)
            $"0912000103,,\"{LienSon}\",khm,\"a \"\"quoted\"\" tag\"\r\n", bom: true);

        Assert.Equal(2, result.Imported);
        Assert.Equal([new ImportRejection(3, ImportReasons.BadPhone)], result.Rejected);
        Assert.Equal(["ho-ngheo", "tre-em-duoi-6"], await TagsAsync("tel:+84912000101"));
        Assert.Equal("hnj", (await ResidentByAsync("tel:+84912000101")).Language);
        Assert.Equal("km", (await ResidentByAsync("tel:+84912000103")).Language); // an alias stored canonical
        Assert.Equal(["a \"quoted\" tag"], await TagsAsync("tel:+84912000103"));
    }

    [Fact]
    public async Task Should_count_lines_of_a_quoted_field_spanning_two_lines_from_where_the_row_starts()
    {
        var result = await ImportAsync(
            "phone,zalo_user_id,commune_code,language,tags\n" +
            $"0912000201,,{LienSon},vi,\"ho-ngheo;\nnguoi-cao-tuoi\"\n" +  // lines 2–3
            $"bad,,{LienSon},vi,\n");                                  // line 4
        Assert.Equal(1, result.Imported);
        Assert.Equal([new ImportRejection(4, ImportReasons.BadPhone)], result.Rejected);
    }

    [Fact]
    public async Task Should_keep_the_first_of_two_rows_naming_the_same_address_and_reject_the_later()
    {
        var result = await ImportAsync(
            "phone,zalo_user_id,commune_code,language,tags\n" +
            $"0912000301,,{LienSon},vi,first\n" +
            $"+84912000301,,{OtherPhuTho},tyz,second\n" +                // the same number written differently
            $",7000000301,{LienSon},,\n" +
            $"0912000399,7000000301,{LienSon},,\n");                    // shares the Zalo id of line 4
        Assert.Equal(2, result.Imported);
        Assert.Equal([new ImportRejection(3, ImportReasons.Duplicate(2)), new ImportRejection(5, ImportReasons.Duplicate(4))], result.Rejected);
        var r = await ResidentByAsync("tel:+84912000301");
        Assert.Equal((LienSon, "vi"), (r.Commune, r.Language));
        Assert.Equal(["first"], await TagsAsync("tel:+84912000301"));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM resident_addresses WHERE urn = 'tel:+84912000399'"));
    }

    [Fact]
    public async Task Should_update_on_reimport_instead_of_duplicating()
    {
        const string header = "phone,zalo_user_id,commune_code,language,tags\n";
        var first = await ImportAsync(header + $"0912000401,,{LienSon},vi,ho-ngheo;nguoi-cao-tuoi\n0912000402,,{LienSon},tyz,\n");
        Assert.Equal((2, 0), (first.Imported, first.Updated));
        var id = (await ResidentByAsync("tel:+84912000401")).Id;

        // Moves commune, keeps the language (empty), replaces the tags; the second keeps nothing from before but its language.
        var second = await ImportAsync(header + $"+84 912 000 401,,{OtherPhuTho},,tre-em-duoi-6\n0912000402,,{LienSon},,\n0912000403,,{LienSon},,\n");
        Assert.Equal((1, 2), (second.Imported, second.Updated));
        Assert.Empty(second.Rejected);

        Assert.Equal(3, await CountAsync("residents"));
        Assert.Equal(3, await CountAsync("resident_addresses"));
        var r = await ResidentByAsync("tel:+84912000401");
        Assert.Equal((id, OtherPhuTho, "vi"), (r.Id, r.Commune, r.Language));
        Assert.Equal(["tre-em-duoi-6"], await TagsAsync("tel:+84912000401"));
        Assert.Equal("tyz", (await ResidentByAsync("tel:+84912000402")).Language);
        Assert.Null((await ResidentByAsync("tel:+84912000403")).Language); // empty language on insert: null
    }

    [Fact]
    public async Task Should_link_a_zalo_id_to_the_resident_who_has_the_phone()
    {
        await _host.AddResidentAsync("tel:+84912000501", communeCode: null); // known from an SMS, no commune yet
        var result = await ImportAsync($"phone,zalo_user_id,commune_code,language,tags\n0912000501,7000000501,{LienSon},vi,\n");

        Assert.Equal((0, 1), (result.Imported, result.Updated));
        var byPhone = await ResidentByAsync("tel:+84912000501");
        var byZalo = await ResidentByAsync("zalo:7000000501");
        Assert.Equal(byPhone.Id, byZalo.Id);
        Assert.Equal(LienSon, byZalo.Commune);
        Assert.Equal(1, await CountAsync("residents"));
        Assert.Equal("zalo", await _host.ScalarAsync<string>("SELECT scheme FROM resident_addresses WHERE urn = 'zalo:7000000501'"));
    }

    [Fact]
    public async Task Should_reject_a_phone_and_a_zalo_id_of_two_different_residents()
    {
        await ImportAsync($"phone,zalo_user_id,commune_code,language,tags\n0912000601,,{LienSon},,\n,7000000601,{LienSon},,\n");
        var result = await ImportAsync($"phone,zalo_user_id,commune_code,language,tags\n0912000601,7000000601,{OtherPhuTho},,\n");

        Assert.Equal((0, 0), (result.Imported, result.Updated));
        Assert.Equal([new ImportRejection(2, ImportReasons.TwoResidents)], result.Rejected);
        Assert.Equal(LienSon, (await ResidentByAsync("tel:+84912000601")).Commune); // untouched
        Assert.NotEqual((await ResidentByAsync("tel:+84912000601")).Id, (await ResidentByAsync("zalo:7000000601")).Id);
    }

    [Fact]
    public async Task Should_not_take_over_a_resident_registered_in_another_province()
    {
        await _host.AddResidentAsync("tel:+84912000701", BanHo);
        var result = await ImportAsync($"phone,zalo_user_id,commune_code,language,tags\n0912000701,,{LienSon},,\n");
        Assert.Equal([new ImportRejection(2, ImportReasons.ResidentOfOtherProvince)], result.Rejected);
        Assert.Equal(BanHo, (await ResidentByAsync("tel:+84912000701")).Commune);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0912000801,,04960,vi,\n")]
    [InlineData("phone,zalo,commune_code,language,tags\n")]
    [InlineData("phone,zalo_user_id,commune_code,language\n")]
    [InlineData("phone,zalo_user_id,commune_code,language,tags,extra\n")]
    public async Task Should_refuse_a_file_without_the_expected_header(string text)
    {
        var e = await Assert.ThrowsAsync<ResidentCsvHeaderException>(() => ImportAsync(text));
        Assert.Contains(ResidentCsv.Header, e.Message);
        Assert.Equal(0, await CountAsync("residents"));
    }

    [Fact]
    public async Task Should_accept_the_header_in_another_order_and_case()
    {
        var result = await ImportAsync($"Tags,Commune_Code,PHONE,language,zalo_user_id\nho-ngheo,{LienSon},0912000901,vi,\n");
        Assert.Equal(1, result.Imported);
        Assert.Equal(["ho-ngheo"], await TagsAsync("tel:+84912000901"));
    }

    [Fact]
    public async Task Should_export_what_it_imported_in_the_same_format()
    {
        var text = "phone,zalo_user_id,commune_code,language,tags\r\n" +
                   $"+84912001001,7000001001,{LienSon},hnj,ho-ngheo;tre-em-duoi-6\r\n" +
                   $"+84912001002,,{OtherPhuTho},,\r\n";
        await ImportAsync(text);
        await _host.AddResidentAsync("tel:+84912001003", BanHo); // another province: never exported here

        var all = new MemoryStream();
        await _host.Get<ResidentExport>().WriteAsync(all, PhuTho, null);
        var lines = Encoding.UTF8.GetString(all.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ResidentCsv.Header, lines[0]);
        Assert.Equal(text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Order(), lines.Skip(1).Order());

        var one = new MemoryStream();
        await _host.Get<ResidentExport>().WriteAsync(one, PhuTho, OtherPhuTho);
        Assert.Equal([ResidentCsv.Header, $"+84912001002,,{OtherPhuTho},,"], Encoding.UTF8.GetString(one.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));

        // The export reads back as an update of everyone, nothing new, nothing rejected.
        all.Position = 0;
        var again = await _host.Get<ResidentImporter>().ImportAsync(all, PhuTho);
        Assert.Equal((0, 2, 0), (again.Imported, again.Updated, again.Rejected.Count));
    }
}
