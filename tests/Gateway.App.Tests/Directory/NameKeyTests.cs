using Gateway.App.Features.Directory;

namespace Gateway.App.Tests.Directory;

public class NameKeyTests
{
    [Theory]
    [InlineData("Hòa", "Hoà")]
    [InlineData("Thủy", "Thuỷ")]
    [InlineData("KHÁNH HÒA", "khánh hoà")]
    [InlineData("Ea H'Leo", "Ea H’Leo")]
    [InlineData("Ea H'Leo", "Ea HLeo")]
    [InlineData("Ea Hʼleo", "ea h‘leo")]
    [InlineData("Liên  Sơn", " liên sơn ")]
    [InlineData("Ðồng Nai", "Đồng Nai")] // Icelandic eth for Đ
    public void Exact_keys_ignore_case_tone_placement_apostrophes_and_spacing(string a, string b)
    {
        Assert.Equal(NameKey.ExactKey(a), NameKey.ExactKey(b));
        Assert.Equal(NameKey.FoldedKey(a), NameKey.FoldedKey(b));
    }

    [Theory]
    [InlineData("Văn Lang", "Văn Lăng")]
    [InlineData("Văn Lang", "Vân Lang")]
    [InlineData("Thanh An", "Thạnh An")]
    [InlineData("Sơn Hà", "Sơn Hạ")]
    [InlineData("Đông Tiến", "Đồng Tiến")]
    [InlineData("Đồng", "Dồng")]
    public void Exact_keys_keep_what_tells_names_apart_and_folded_keys_drop_it(string a, string b)
    {
        Assert.NotEqual(NameKey.ExactKey(a), NameKey.ExactKey(b));
        Assert.Equal(NameKey.FoldedKey(a), NameKey.FoldedKey(b));
    }

    [Theory]
    [InlineData("Liên Sơn - Phú Thọ", "lien son phu tho")]
    [InlineData("lien son,phu tho", "lien son phu tho")]
    [InlineData("P.Ba Đình (Hà Nội)", "p ba dinh ha noi")]
    [InlineData("P1 Q3", "p 1 q 3")]
    [InlineData("Cư M’gar", "cu mgar")]
    [InlineData("Đặc khu Côn Đảo", "dac khu con dao")]
    [InlineData("Hà Giang 2", "ha giang 2")]
    public void Folded_keys_split_on_punctuation(string text, string folded)
        => Assert.Equal(folded, NameKey.FoldedKey(text));

    [Fact]
    public void Plain_ascii_has_the_same_exact_and_folded_key()
    {
        // How Resolve tells "typed without diacritics" from "typed with".
        Assert.Equal(NameKey.FoldedKey("van lang thai nguyen"), NameKey.ExactKey("van lang thai nguyen"));
        Assert.NotEqual(NameKey.FoldedKey("van lang thai nguyên"), NameKey.ExactKey("van lang thai nguyên"));
    }
}
