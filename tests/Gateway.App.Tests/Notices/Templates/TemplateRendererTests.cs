using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Templates;

namespace Gateway.App.Tests.Notices.Templates;

public sealed class TemplateRendererTests
{
    private static readonly CommuneDirectory Directory = CommuneDirectory.Default;

    private static NoticeTemplate Template(params TemplateTranslation[] more) => new("t", "T", "c", null,
        [new("xa", "commune"), new("ngay", "date"), new("gio", "time"), new("tien", "money"), new("so", "number"), new("ghi_chu", "text")], 3,
        [new("vi", "{xa} {ngay} {gio} {tien} {so} {ghi_chu} {{x}}", null, "approved", false, 3, null, null), .. more], null, null);

    private static readonly Dictionary<string, string> Values = new()
    {
        ["xa"] = "04960", ["ngay"] = "2026-12-10", ["gio"] = "07:30", ["tien"] = "1500000", ["so"] = "12500", ["ghi_chu"] = "mang CCCD",
    };

    [Fact]
    public void Should_render_each_variable_type_the_vietnamese_way()
    {
        var r = TemplateRenderer.Render(Template(), "vi", Values, Directory);

        Assert.Equal("Xã Liên Sơn 10/12/2026 07:30 1.500.000 đồng 12.500 mang CCCD {x}", r.Sms);
        Assert.Equal(r.Sms, r.Zalo);
        Assert.False(r.Fallback);
    }

    [Theory]
    [InlineData("ngay", "10/12/2026", "is not a date")]
    [InlineData("gio", "7h30", "is not a time")]
    [InlineData("tien", "1.500.000", "is not a money")]
    [InlineData("so", "-3", "is not a number")]
    [InlineData("xa", "99999", "is not a commune")]
    public void Should_refuse_a_value_not_of_its_type(string name, string value, string problem)
    {
        var values = new Dictionary<string, string>(Values) { [name] = value };

        Assert.Contains(TemplateRenderer.Validate(Template(), values, Directory), p => p.Contains($"'{name}'") && p.Contains(problem));
    }

    [Fact]
    public void Should_name_missing_and_unknown_variables()
    {
        var values = new Dictionary<string, string>(Values) { ["dia_diem"] = "x" };
        values.Remove("ngay");

        var problems = TemplateRenderer.Validate(Template(), values, Directory);

        Assert.Contains(problems, p => p.Contains("'ngay'") && p.Contains("missing"));
        Assert.Contains(problems, p => p.Contains("'dia_diem'") && p.Contains("not a variable"));
    }

    [Fact]
    public void Should_send_an_approved_current_translation_and_fall_back_to_vietnamese_otherwise()
    {
        var t = Template(
            new TemplateTranslation("hnj", "HNJ {xa}", "HNJ zalo {ngay}", "approved", false, 3, "a", "b"),
            new TemplateTranslation("tyz", "TYZ {xa}", null, "approved", true, 2, "a", "b"),
            new TemplateTranslation("mtq", "MTQ {xa}", null, "draft", false, 3, "a", null));

        var hnj = TemplateRenderer.Render(t, "hnj", Values, Directory);
        Assert.Equal(("hnj", false, "HNJ Xã Liên Sơn", "HNJ zalo 10/12/2026"), (hnj.Language, hnj.Fallback, hnj.Sms, hnj.Zalo));
        foreach (var language in new[] { "tyz", "mtq", "km" })
        {
            var r = TemplateRenderer.Render(t, language, Values, Directory);
            Assert.Equal(("vi", true), (r.Language, r.Fallback));
            Assert.StartsWith("Xã Liên Sơn", r.Sms);
        }
        Assert.False(TemplateRenderer.Render(t, null, Values, Directory).Fallback);
    }
}
