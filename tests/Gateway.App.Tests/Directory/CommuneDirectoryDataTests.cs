using Gateway.App.Features.Directory;

namespace Gateway.App.Tests.Directory;

/// <summary>The embedded data: counts from the sources' README, demo communes, and invariants the matching relies on.</summary>
public class CommuneDirectoryDataTests
{
    private static readonly CommuneDirectory Directory = CommuneDirectory.Default;

    [Fact]
    public void Counts_match_the_sources()
    {
        Assert.Equal(34, Directory.ProvinceCount);
        Assert.Equal(34, Directory.Provinces.Count);
        Assert.Equal(3321, Directory.CommuneCount);
        Assert.Equal(10035, Directory.OldCommuneCount);
        Assert.Equal(471, Directory.SplitOldCommuneCount);
        Assert.Equal(2611, Directory.Communes.Count(c => c.Kind == CommuneKind.Xa));
        Assert.Equal(697, Directory.Communes.Count(c => c.Kind == CommuneKind.Phuong));
        Assert.Equal(13, Directory.Communes.Count(c => c.Kind == CommuneKind.DacKhu));
        Assert.Equal(27, Directory.Provinces.Count(p => p.Kind == ProvinceKind.Tinh));
        Assert.Equal(7, Directory.Provinces.Count(p => p.Kind == ProvinceKind.ThanhPho));
    }

    [Fact]
    public void Every_provinces_communes_add_up_to_the_counts_in_the_provinces_file()
    {
        var table = CsvTable.FromResource(typeof(CommuneDirectory).Assembly, "vn_provinces_34.csv");
        int code = table.Column("province_code"), total = table.Column("commune_count"), xa = table.Column("xa"),
            phuong = table.Column("phuong"), dacKhu = table.Column("dac_khu");
        Assert.Equal(34, table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var communes = Directory.CommunesOf(row[code]);
            Assert.Equal(int.Parse(row[total]), communes.Count);
            Assert.Equal(int.Parse(row[xa]), communes.Count(c => c.Kind == CommuneKind.Xa));
            Assert.Equal(int.Parse(row[phuong]), communes.Count(c => c.Kind == CommuneKind.Phuong));
            Assert.Equal(int.Parse(row[dacKhu]), communes.Count(c => c.Kind == CommuneKind.DacKhu));
            Assert.All(communes, c => Assert.Equal(row[code], c.ProvinceCode));
        }
    }

    [Fact]
    public void Demo_communes_exist()
    {
        var lienSon = Directory.FindCommune("04960");
        Assert.Equal(new Commune("04960", "Xã Liên Sơn", "Liên Sơn", CommuneKind.Xa, "25", "Phú Thọ"), lienSon);
        Assert.Equal("Phú Thọ", Directory.FindProvince("25")?.Name);

        var banHo = Directory.FindCommune("03046");
        Assert.Equal(new Commune("03046", "Xã Bản Hồ", "Bản Hồ", CommuneKind.Xa, "15", "Lào Cai"), banHo);
        Assert.Equal("Tỉnh Lào Cai", Directory.FindProvince("15")?.FullName);
    }

    [Fact]
    public void Lookups_by_code_keep_the_leading_zeros_and_reject_unknown_codes()
    {
        Assert.Equal("Phường Ba Đình", Directory.FindCommune("00004")?.Name);
        Assert.Null(Directory.FindCommune("4"));
        Assert.Null(Directory.FindCommune("99999"));
        Assert.Equal("Hà Nội", Directory.FindProvince("01")?.Name);
        Assert.Null(Directory.FindProvince("1"));
        Assert.Null(Directory.FindProvince("02")); // Hà Giang's old code: now part of Tuyên Quang (08)
        Assert.Empty(Directory.CommunesOf("02"));
        Assert.Equal(148, Directory.CommunesOf("25").Count);
    }

    [Fact]
    public void Codes_are_zero_padded_strings_and_unique()
    {
        Assert.All(Directory.Provinces, p => Assert.Matches("^[0-9]{2}$", p.Code));
        Assert.All(Directory.Communes, c => Assert.Matches("^[0-9]{5}$", c.Code));
        Assert.Equal(3321, Directory.Communes.Select(c => c.Code).Distinct().Count());
        Assert.Equal(Directory.Provinces.OrderBy(p => p.Code, StringComparer.Ordinal), Directory.Provinces);
    }

    [Fact]
    public void Full_names_are_the_unit_word_and_the_short_name()
    {
        Assert.All(Directory.Communes, c => Assert.Equal($"{c.Kind.Label()} {c.ShortName}", c.Name));
        // The source spells this one "xã Bắc Sơn".
        Assert.Equal("Xã Bắc Sơn", Directory.FindCommune("06325")?.Name);
        Assert.Equal("Đặc khu Côn Đảo", Directory.FindCommune("26732")?.Name);
    }

    [Fact]
    public void Old_communes_map_to_new_ones()
    {
        var cuYen = Directory.FindOldCommune("04960"); // the old code 04960 was Xã Cư Yên, now (in) Xã Liên Sơn
        Assert.NotNull(cuYen);
        Assert.Equal("Xã Cư Yên", cuYen.Name);
        Assert.Equal("Cư Yên", cuYen.ShortName);
        Assert.Equal(OldCommuneKind.Xa, cuYen.Kind);
        Assert.Equal("Huyện Lương Sơn", cuYen.DistrictName);
        Assert.Equal("Tỉnh Hòa Bình", cuYen.ProvinceName);
        Assert.False(cuYen.Split);
        Assert.Equal(["04960"], cuYen.NewCommunes.Select(c => c.Code));

        var congVi = Directory.FindOldCommune("00007");
        Assert.NotNull(congVi);
        Assert.Equal("Phường Cống Vị", congVi.Name);
        Assert.True(congVi.Split);
        Assert.Equal(["00008", "00025"], congVi.NewCommunes.Select(c => c.Code));

        Assert.Equal(OldCommuneKind.ThiTran, Directory.FindOldCommune("00376")?.Kind); // Thị trấn Sóc Sơn
        Assert.Null(Directory.FindOldCommune(""));
        Assert.Null(Directory.FindOldCommune("99999"));
    }

    [Fact]
    public void Split_old_communes_are_exactly_those_with_several_new_communes_all_in_one_province()
    {
        var olds = Directory.OldCommunes;
        Assert.Equal(10035, olds.Count);
        Assert.Equal(471, olds.Count(o => o.Split));
        Assert.All(olds, o => Assert.Equal(o.Split, o.NewCommunes.Count > 1));
        Assert.All(olds, o => Assert.Single(o.NewCommunes.Select(c => c.ProvinceCode).Distinct()));
        Assert.All(olds, o => Assert.All(o.NewCommunes, c => Assert.Same(Directory.FindCommune(c.Code), c)));
    }

    [Fact]
    public void Short_names_recur_across_provinces_and_ten_collide_only_without_diacritics()
    {
        // DESIGN.md: 314 short names recur across provinces (as spelled).
        var recurring = Directory.Communes.GroupBy(c => c.ShortName).Count(g => g.Select(c => c.ProvinceCode).Distinct().Count() > 1);
        Assert.Equal(314, recurring);

        // data/README.md: after stripping diacritics 10 names collide within their province; none is spelled twice.
        var collisions = Directory.Communes
            .GroupBy(c => (c.ProvinceCode, NameKey.FoldedKey(c.ShortName)))
            .Where(g => g.Count() > 1)
            .ToList();
        Assert.Equal(10, collisions.Count);
        Assert.All(collisions, g => Assert.Equal(g.Count(), g.Select(c => NameKey.ExactKey(c.ShortName)).Distinct().Count()));
        Assert.Contains(collisions, g => g.Select(c => c.Code).Order().SequenceEqual(["02143", "05665"])); // Văn Lang / Văn Lăng
    }

    [Fact]
    public void Default_is_one_shared_instance()
    {
        Assert.Same(CommuneDirectory.Default, CommuneDirectory.Default);
        var fresh = CommuneDirectory.Load();
        Assert.NotSame(CommuneDirectory.Default, fresh);
        Assert.Equal(CommuneDirectory.Default.Communes, fresh.Communes);
    }

    [Fact]
    public void The_data_files_ship_embedded_with_their_attribution()
    {
        var names = typeof(CommuneDirectory).Assembly.GetManifestResourceNames();
        foreach (var file in new[] { "vn_provinces_34.csv", "vn_communes_2026.csv", "vn_old_to_new_communes.csv", "vn_old_to_new_provinces.csv" })
            Assert.Single(names, n => n.EndsWith("." + file, StringComparison.Ordinal));
    }
}
