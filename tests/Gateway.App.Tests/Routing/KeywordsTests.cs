using System.Text.RegularExpressions;
using Gateway.App.Features.Routing;

namespace Gateway.App.Tests.Routing;

/// <summary>Keywords match the folded text: any case, with or without diacritics, tone placement aside.</summary>
public sealed class KeywordsTests
{
    [Theory]
    [InlineData("HUY")]
    [InlineData("huy")]
    [InlineData("Hủy")]
    [InlineData("huỷ")]           // old-style tone placement
    [InlineData("HỦY")]
    [InlineData("Hu\u0309y")]     // decomposed (NFD) accents
    [InlineData("  huy  ")]
    [InlineData("HUY.")]
    [InlineData("stop")]
    [InlineData("STOP")]
    [InlineData("TC")]
    [InlineData("tc")]
    [InlineData("DUNG")]
    [InlineData("Dừng")]
    [InlineData("tu choi")]
    [InlineData("Từ chối")]
    [InlineData("Hủy đăng ký")]
    public void Should_read_an_opt_out(string text) => Assert.True(Keywords.IsOptOut(text));

    [Theory]
    [InlineData("")]
    [InlineData("Hủy đăng ký kết hôn thì làm thế nào?")]
    [InlineData("huy hieu")]
    [InlineData("stopp")]
    [InlineData("Dung ơi")]
    [InlineData("DK Liên Sơn")]
    [InlineData("H.U.Y")]
    public void Should_not_read_a_sentence_as_an_opt_out(string text) => Assert.False(Keywords.IsOptOut(text));

    [Theory]
    [InlineData("DK Liên Sơn", "Liên Sơn")]
    [InlineData("dk lien son", "lien son")]
    [InlineData("ĐK Bản Hồ", "Bản Hồ")]
    [InlineData("Đăng ký Cư Yên", "Cư Yên")]
    [InlineData("dang ky 04960", "04960")]
    [InlineData("DANGKY Liên Sơn", "Liên Sơn")]
    [InlineData("  DK   Liên Sơn  ", "Liên Sơn")]
    [InlineData("DK xã Liên Sơn, Phú Thọ", "xã Liên Sơn, Phú Thọ")]
    public void Should_read_the_commune_named_after_the_registration_keyword(string text, string commune)
    {
        Assert.True(Keywords.TryRegistration(text, out var named));
        Assert.Equal(commune, named);
    }

    [Theory]
    [InlineData("DK")]
    [InlineData("DK   ")]
    [InlineData("DKLien Son")]
    [InlineData("Cho hỏi đăng ký khai sinh")]
    [InlineData("Liên Sơn")]
    public void Should_not_read_a_registration_without_a_keyword_and_a_name(string text) =>
        Assert.False(Keywords.TryRegistration(text, out _));

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData(" 3 ", 3)]
    [InlineData("số 2", 2)]
    [InlineData("so 2", 2)]
    [InlineData("Số 9", 9)]
    [InlineData("0", null)]
    [InlineData("100", null)]
    [InlineData("hai", null)]
    [InlineData("Liên Sơn", null)]
    public void Should_read_a_numbered_choice(string text, int? choice) => Assert.Equal(choice, Keywords.Choice(text));
}

/// <summary>Tracking codes a resident reads out over the phone: 8 characters in two groups, no look-alikes.</summary>
public sealed partial class TrackingCodeTests
{
    [Fact]
    public void Should_make_codes_of_two_groups_of_four_without_look_alikes()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var code = TrackingCode.New();
            Assert.Matches(Shape(), code);
            Assert.DoesNotMatch("[01OIL]", code);
        }
    }

    [Fact]
    public void Should_make_distinct_codes()
    {
        var codes = Enumerable.Range(0, 10_000).Select(_ => TrackingCode.New()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count()); // ~10^12 values: a repeat here means the randomness broke
    }

    [Fact]
    public void Should_use_the_whole_alphabet_in_every_position()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        var codes = Enumerable.Range(0, 5_000).Select(_ => TrackingCode.New()).ToList();
        foreach (var position in new[] { 0, 1, 2, 3, 5, 6, 7, 8 })
            Assert.Equal(alphabet.Length, codes.Select(c => c[position]).Distinct().Count());
    }

    [GeneratedRegex("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")]
    private static partial Regex Shape();
}
