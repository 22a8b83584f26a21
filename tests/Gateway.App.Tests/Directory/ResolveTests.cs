using System.Text;
using Gateway.App.Features.Directory;

namespace Gateway.App.Tests.Directory;

/// <summary>
/// What a resident types → which commune. Expected outcomes are written as
/// "Found CODE" (a current name or code), "Old CODE" (an old name or code, mapped), "Ambiguous Reason CODE CODE…"
/// (candidates in code order), or "NotFound". Every code here is taken from the data files.
/// </summary>
public class ResolveTests
{
    private static readonly CommuneDirectory Directory = CommuneDirectory.Default;

    [Theory]
    // Codes: new, with spaces or a unit word; old ones through the old→new map.
    [InlineData("04960", "Found 04960")]
    [InlineData(" 04960 ", "Found 04960")]
    [InlineData("xã 04960", "Found 04960")]
    [InlineData("03046", "Found 03046")]
    [InlineData("00001", "Old 00097")]                                   // old Phường Phúc Xá → Phường Hồng Hà
    [InlineData("00007", "Ambiguous SplitOldCommune 00008 00025")]      // old Phường Cống Vị, split
    [InlineData("99999", "NotFound")]
    [InlineData("4960", "NotFound")]
    // Folded names, any case.
    [InlineData("Bản Hồ", "Found 03046")]
    [InlineData("ban ho", "Found 03046")]
    [InlineData("BẢN HỒ", "Found 03046")]
    [InlineData("BAN HO", "Found 03046")]
    [InlineData("Xa Ban Ho", "Found 03046")]
    // The same name in two provinces: ask unless the province narrows it.
    [InlineData("Liên Sơn", "Ambiguous SameNameInSeveralProvinces 04660 04960")]
    [InlineData("lien son", "Ambiguous SameNameInSeveralProvinces 04660 04960")]
    [InlineData("Liên Sơn Phú Thọ", "Found 04960")]
    [InlineData("LIÊN SƠN PHÚ THỌ", "Found 04960")]
    [InlineData("lien son, phu tho", "Found 04960")]
    [InlineData("Liên Sơn - Phú Thọ", "Found 04960")]
    [InlineData("Xã Liên Sơn, tỉnh Phú Thọ", "Found 04960")]
    [InlineData("xa lien son tinh phu tho", "Found 04960")]
    [InlineData("Liên Sơn, Lào Cai", "Found 04660")]
    [InlineData("Liên Sơn, Hòa Bình", "Found 04960")]                   // the old province (now in Phú Thọ) narrows too
    [InlineData("Xã Liên Sơn, huyện Lương Sơn, tỉnh Hòa Bình", "Found 04960")] // a full old address
    [InlineData("Liên Sơn Lắk", "Found 24580")]                          // the longest name wins
    [InlineData("Liên Sơn Hà Nội", "NotFound")]                          // no Liên Sơn in Hà Nội
    // Tone-mark placement (the data spells Thuỷ/Hoà).
    [InlineData("Yên Thủy", "Found 05353")]
    [InlineData("Yên Thuỷ", "Found 05353")]
    [InlineData("yen thuy", "Found 05353")]
    [InlineData("Ứng Hòa", "Found 10402")]
    [InlineData("Ứng Hoà", "Found 10402")]
    [InlineData("Chiêm Hóa", "Found 02287")]
    [InlineData("Thanh Hòa", "Found 28436")]                             // Phường Thanh Hoà, Đồng Tháp...
    [InlineData("Thạnh Hòa", "Found 31408")]                             // ... Xã Thạnh Hoà, Cần Thơ...
    [InlineData("Thạnh Hóa", "Found 27865")]                             // ... Xã Thạnh Hoá, Tây Ninh
    [InlineData("thanh hoa", "Ambiguous SameNameInSeveralProvinces 27865 28436 31408")]
    // Apostrophes.
    [InlineData("Ea H'Leo", "Found 24184")]
    [InlineData("Ea H’Leo", "Found 24184")]
    [InlineData("ea hleo", "Found 24184")]
    [InlineData("EA H`LEO", "Found 24184")]
    [InlineData("Cư M’gar", "Found 24280")]
    [InlineData("cu mgar", "Found 24280")]
    // Unit words before the name.
    [InlineData("Phường Ba Đình, Hà Nội", "Found 00004")]
    [InlineData("p. Ba Đình Hà Nội", "Found 00004")]
    [InlineData("P.Ba Dinh, Ha Noi", "Found 00004")]
    [InlineData("phuong ba dinh ha noi", "Found 00004")]
    [InlineData("Đặc khu Côn Đảo", "Found 26732")]
    [InlineData("dac khu con dao", "Found 26732")]
    [InlineData("Côn Đảo", "Found 26732")]
    [InlineData("Xa Phien", "Found 31495")]                              // "Xà Phiên" starts like the unit word
    [InlineData("Xã Xà Phiên", "Found 31495")]
    [InlineData("phuong dong", "Old 06832")]                             // old Phường Phương Đông (Uông Bí) → Yên Tử
    [InlineData("Phường Phương Đông", "Old 06832")]
    [InlineData("Phường Đông", "Old 23674")]                             // "Phường" typed with its marks is the unit: old Xã Đông
    // Old (pre-2025) names → the new commune.
    [InlineData("Cư Yên", "Old 04960")]
    [InlineData("cu yen", "Old 04960")]
    [InlineData("Xã Cư Yên, huyện Lương Sơn, tỉnh Hòa Bình", "Old 04960")]
    [InlineData("Cư Yên, Phú Thọ", "Old 04960")]                         // old name, new province
    [InlineData("Phúc Xá", "Old 00097")]
    [InlineData("Nông trường Liên Sơn", "Old 04660")]
    [InlineData("Tân Thịnh, TP Thái Nguyên, Thái Nguyên", "Old 05443")]  // old district narrows an old name
    [InlineData("p1 q3", "Old 27154")]                                   // old Phường 1, Quận 3 → Bàn Cờ
    [InlineData("Phường 1, Quận 3, TP Hồ Chí Minh", "Old 27154")]
    [InlineData("TT Khánh Yên", "Old 03082")]                            // thị trấn: only an old unit
    [InlineData("Khánh Yên", "Found 03103")]                             // ... the current name wins otherwise
    [InlineData("Thị trấn Thạnh An, Vĩnh Thạnh", "Old 31231")]           // the unit word picks among old communes
    [InlineData("Xã Long Phú, huyện Long Phú, Sóc Trăng", "Ambiguous SplitOldCommune 31480 31639")]
    [InlineData("Thị trấn Long Phú, huyện Long Phú, Sóc Trăng", "Old 31639")]
    [InlineData("Xã Thạnh An, huyện Vĩnh Thạnh", "Ambiguous NewAndOldNamesDiffer 31231 31246")] // current Xã Thạnh An too
    [InlineData("thạnh an vĩnh thạnh", "Ambiguous OldNameInSeveralPlaces 31231 31246")]
    [InlineData("Hoằng Phụ", "Old 16000")]                               // typed marks match the old name exactly...
    [InlineData("hoang phu", "Found 15889")]                             // ... else the current Hoằng Phú wins
    // Split old communes: ask, don't guess.
    [InlineData("Cống Vị", "Ambiguous SplitOldCommune 00008 00025")]
    [InlineData("phuong cong vi", "Ambiguous SplitOldCommune 00008 00025")]
    [InlineData("Cao Sơn, Lương Sơn", "Ambiguous SplitOldCommune 04924 04960")]
    [InlineData("Cao Sơn", "Ambiguous SameNameInSeveralProvinces 02782 04876")] // current names beat the old ones
    // A current name, and with an old district an old commune of that name that went elsewhere.
    [InlineData("Xã Đông Phước, Huyện Châu Thành, Tỉnh Hậu Giang", "Ambiguous NewAndOldNamesDiffer 31369 31378")]
    [InlineData("Đông Phước, Cần Thơ", "Found 31369")]
    // Names that differ only by diacritics.
    [InlineData("Văn Lăng", "Found 05665")]
    [InlineData("Văn Lang Thái Nguyên", "Found 02143")]
    [InlineData("Văn Lăng, Thái Nguyên", "Found 05665")]
    [InlineData("van lang thai nguyen", "Ambiguous CollidesWithoutDiacritics 02143 05665")]
    [InlineData("Vân Lang Thái Nguyên", "Ambiguous CollidesWithoutDiacritics 02143 05665")] // marks that fit neither
    [InlineData("Văn Lang", "Ambiguous SameNameInSeveralProvinces 02143 08134")]
    [InlineData("van lang", "Ambiguous SameNameInSeveralProvinces 02143 05665 06154 08134")]
    [InlineData("Thanh An, TP Hồ Chí Minh", "Found 25807")]
    [InlineData("Thạnh An, TP Hồ Chí Minh", "Found 27676")]
    [InlineData("thanh an hcm", "Ambiguous CollidesWithoutDiacritics 25807 27676")]
    [InlineData("Ba Đình", "Ambiguous SameNameInSeveralProvinces 00004 16171")]
    [InlineData("ba dinh", "Ambiguous SameNameInSeveralProvinces 00004 16171 21499")] // + Xã Ba Dinh, Quảng Ngãi
    // Not a commune.
    [InlineData("", "NotFound")]
    [InlineData("   ", "NotFound")]
    [InlineData("1", "NotFound")]                                        // a reply to a numbered question
    [InlineData("2", "NotFound")]
    [InlineData("xyz abc", "NotFound")]
    [InlineData("!!!", "NotFound")]
    [InlineData("Liên Sơn ạ", "NotFound")]
    [InlineData("Tôi muốn hỏi về đất đai", "NotFound")]
    [InlineData("xã", "NotFound")]
    [InlineData("DK Côn Đảo", "NotFound")]                               // "DK" = đăng ký, Routing's keyword, not đặc khu
    [InlineData("Phú Thọ Liên Sơn Phú Thọ Liên Sơn", "NotFound")]
    public void Resolves(string text, string expected) => Assert.Equal(expected, Show(Directory.Resolve(text)));

    [Fact]
    public void Decomposed_input_matches_like_composed()
    {
        Assert.Equal("Found 10402", Show(Directory.Resolve("Ứng Hòa".Normalize(NormalizationForm.FormD))));
        Assert.Equal("Found 02143", Show(Directory.Resolve("Văn Lang Thái Nguyên".Normalize(NormalizationForm.FormD))));
        Assert.Equal("Found 05665", Show(Directory.Resolve("Văn Lăng".Normalize(NormalizationForm.FormD))));
    }

    [Fact]
    public void A_match_through_an_old_name_says_which_old_commune()
    {
        var found = Assert.IsType<CommuneMatch.Found>(Directory.Resolve("Cư Yên"));
        Assert.True(found.ViaOldName);
        Assert.Equal("04960", found.Commune.Code);
        Assert.Equal("Xã Cư Yên", found.OldCommune?.Name);

        var byCode = Assert.IsType<CommuneMatch.Found>(Directory.Resolve("00001"));
        Assert.True(byCode.ViaOldName);
        Assert.Equal("Phường Phúc Xá", byCode.OldCommune?.Name);

        var current = Assert.IsType<CommuneMatch.Found>(Directory.Resolve("Liên Sơn, Phú Thọ"));
        Assert.False(current.ViaOldName);
        Assert.Null(current.OldCommune);
    }

    [Fact]
    public void A_split_old_commune_lists_every_new_commune_it_went_to()
    {
        var old = Directory.FindOldCommune("00007")!;
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("Cống Vị"));
        Assert.Equal(AmbiguityReason.SplitOldCommune, match.Reason);
        Assert.Equal(old.NewCommunes, match.Candidates);
        Assert.Equal(["Phường Ngọc Hà", "Phường Giảng Võ"], match.Candidates.Select(c => c.Name));
        Assert.False(match.Truncated);
    }

    [Fact]
    public void Candidate_lists_are_capped_for_SMS_and_say_how_many_fit()
    {
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("tan thanh"));
        Assert.Equal(AmbiguityReason.SameNameInSeveralProvinces, match.Reason);
        Assert.Equal(CommuneDirectory.MaxCandidates, match.Candidates.Count);
        Assert.Equal(15, match.Total); // Tân Thành, Tân Thanh, Tân Thạnh across the country
        Assert.True(match.Truncated);
        Assert.Equal(match.Candidates.OrderBy(c => c.Code, StringComparer.Ordinal), match.Candidates);
    }

    [Fact]
    public void Every_commune_resolves_by_its_code_and_by_its_name_with_its_province()
    {
        foreach (var c in Directory.Communes)
        {
            Assert.Equal($"Found {c.Code}", Show(Directory.Resolve(c.Code)));
            Assert.Equal($"Found {c.Code}", Show(Directory.Resolve($"{c.Name}, {c.ProvinceName}")));
            Assert.Equal($"Found {c.Code}", Show(Directory.Resolve($"{c.ShortName} {c.ProvinceName}")));
        }
    }

    [Fact]
    public void Every_old_code_resolves_to_where_the_old_commune_went()
    {
        foreach (var o in Directory.OldCommunes)
        {
            var expected = Directory.FindCommune(o.Code) is not null ? null // a current code: the current commune
                : o.Split ? "Ambiguous SplitOldCommune " + string.Join(' ', o.NewCommunes.Select(c => c.Code))
                : $"Old {o.NewCommunes[0].Code}";
            var actual = Show(Directory.Resolve(o.Code));
            if (expected is null)
            {
                Assert.Equal($"Found {o.Code}", actual);
                Assert.Contains(o.NewCommunes, c => c.Code == o.Code); // the shared codes agree
            }
            else Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Old_full_addresses_resolve_to_the_old_communes_destination_or_ask()
    {
        // "Xã X, Huyện Y, Tỉnh Z" as residents keep writing it. Allowed outcomes: the new commune it went into (as an
        // old name, or as a current name that it went into); a split asks among exactly its new communes; a current
        // name that the old district also reaches, elsewhere, asks among both.
        var outcomes = new Dictionary<string, int>();
        foreach (var o in Directory.OldCommunes)
        {
            var match = Directory.Resolve($"{o.Name}, {o.DistrictName}, {o.ProvinceName}");
            var outcome = match switch
            {
                CommuneMatch.Found f when !o.Split && f.Commune == o.NewCommunes[0] => "went there",
                CommuneMatch.Ambiguous a when o.Split && a.Reason == AmbiguityReason.SplitOldCommune
                                              && a.Candidates.SequenceEqual(o.NewCommunes) => "split",
                CommuneMatch.Ambiguous a when a.Reason == AmbiguityReason.NewAndOldNamesDiffer
                                              && o.NewCommunes.All(a.Candidates.Contains) => "new and old differ",
                _ => $"unexpected: {o.Code} {o.Name}, {o.DistrictName} → {Show(match)}",
            };
            Assert.DoesNotContain("unexpected", outcome);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        // Nearly all old communes resolve outright or as their split; few also read as a current name elsewhere.
        Assert.Equal(10035, outcomes.Values.Sum());
        Assert.True(outcomes["went there"] > 9_500, $"went there: {outcomes["went there"]}");
        Assert.True(outcomes["split"] > 460, $"split: {outcomes["split"]}");
        Assert.True(outcomes.GetValueOrDefault("new and old differ") < 40);
    }

    [Fact]
    public void Resolve_is_fast_enough_to_run_on_every_inbound_message()
    {
        var inputs = new[] { "Xã Liên Sơn, huyện Lương Sơn, tỉnh Hòa Bình", "lien son", "04960", "xyz abc", "tan thanh" };
        foreach (var input in inputs) Directory.Resolve(input); // warm up
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 2_000; i++) Directory.Resolve(inputs[i % inputs.Length]);
        // ~10 µs each on a laptop; the bound only catches an accidental scan of the whole map per call.
        Assert.True(watch.ElapsedMilliseconds < 2_000, $"2,000 resolves took {watch.ElapsedMilliseconds} ms");
    }

    internal static string Show(CommuneMatch match) => match switch
    {
        CommuneMatch.Found { ViaOldName: false } f => $"Found {f.Commune.Code}",
        CommuneMatch.Found f => $"Old {f.Commune.Code}",
        CommuneMatch.Ambiguous a => $"Ambiguous {a.Reason} {string.Join(' ', a.Candidates.Select(c => c.Code))}",
        CommuneMatch.NotFound => "NotFound",
        _ => throw new InvalidOperationException(match.GetType().Name),
    };
}
