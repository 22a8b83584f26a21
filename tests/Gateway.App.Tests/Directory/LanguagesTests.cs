using Gateway.App.Features.Directory;

namespace Gateway.App.Tests.Directory;

public sealed class LanguagesTests
{
    [Theory]
    [InlineData("vi", "vi")]
    [InlineData("hnj", "hnj")]
    [InlineData("mww", "mww")]
    [InlineData("TYZ", "tyz")]
    [InlineData("khm", "km")]
    [InlineData("km", "km")]
    [InlineData("cjm", "cjm")]
    [InlineData("zh-Hant", "zh-Hant")]
    public void Should_know_the_codes_of_the_languages_table(string code, string canonical) =>
        Assert.Equal(canonical, Languages.Default.Canonical(code));

    [Theory]
    [InlineData("xx")]
    [InlineData("english")]
    [InlineData("")]
    [InlineData("macro")]
    public void Should_not_know_other_codes(string code) => Assert.Null(Languages.Default.Canonical(code));

    [Theory]
    [InlineData("Mông", "hnj")]
    [InlineData("mong", "hnj")]
    [InlineData("HMONG", "hnj")]
    [InlineData("tay", "tyz")]
    [InlineData("Tày", "tyz")]
    [InlineData("km", "km")]
    [InlineData("Khmer", "km")]
    [InlineData("tiếng Việt", "vi")]
    [InlineData("Ê Đê", "rad")]
    [InlineData("e de", "rad")]
    [InlineData("Gia Rai", "jra")]
    [InlineData("jrai", "jra")]
    public void Should_resolve_what_a_resident_types_after_NN(string typed, string code) =>
        Assert.Equal(code, Languages.Default.Resolve(typed));

    [Fact]
    public void Should_list_vietnamese_and_the_seventeen_groups() =>
        Assert.Equal(18, Languages.Default.All.Count);
}
