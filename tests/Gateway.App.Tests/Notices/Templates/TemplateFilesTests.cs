using Gateway.App.Features.Notices.Templates;

namespace Gateway.App.Tests.Notices.Templates;

/// <summary>What the start-up loader refuses, each with the file and line a person must fix.</summary>
public sealed class TemplateFilesTests
{
    private const string Meta = """
        {
          "title": "Cảnh báo",
          "category": "canh-bao",
          "variables": [
            { "name": "xa", "type": "commune" },
            { "name": "ngay", "type": "date" }
          ]
        }
        """;
    private const string Vi = "version: 1\n[sms]\nUBND {xa}: mưa lớn ngày {ngay}.\n[zalo]\nUBND {xa} thông báo:\nngày {ngay} có mưa lớn.\n";

    private static List<string> Problems(Dictionary<string, string> files) => TemplateFiles.Parse("canh-bao", files, "templates/canh-bao").Problems;

    public static TheoryData<string, string, string, string> Broken => new()
    {
        // file to replace, its content, expected "file:line", expected words of the reason
        { "vi.txt", "[sms]\nUBND {xa}: mưa {gio}.\n", "vi.txt:2", "unknown variable {gio}" },
        { "vi.txt", "[sms]\nUBND {xa}: mưa {ngay.\n", "vi.txt:2", "malformed placeholder" },
        { "vi.txt", "[sms]\nUBND {xa}\n[zalo]\nDòng một\nngày {ngay} }\n", "vi.txt:5", "closes nothing" },
        { "vi.txt", "[sms]\nUBND {x y}.\n", "vi.txt:2", "is not a placeholder" },
        { "vi.txt", "version: 1\nno section here\n", "vi.txt:2", "expected 'state:'" },
        { "hnj.txt", "state: draft\ntranslator: a\nsource-version: 1\n[sms]\nKoj {xa} hnub.\n", "hnj.txt:4", "misses variable(s) {ngay}" },
        { "xx.txt", "[sms]\n{xa} {ngay}\n", "xx.txt:1", "unknown language code 'xx'" },
        { "khm.txt", "[sms]\n{xa} {ngay}\n", "khm.txt:1", "unknown language code 'khm'" },
        { "tyz.txt", "state: approved\ntranslator: a\napprover: a\n[sms]\n{xa} {ngay}\n", "tyz.txt:1", "approver who is not its translator" },
        { "mtq.txt", "state: done\n[sms]\n{xa} {ngay}\n", "mtq.txt:1", "neither draft nor approved" },
        { "template.json", "{ \"title\": \"x\", \"variables\": [ { \"name\": \"xa\", \"type\": \"place\" } ] }", "template.json:1", "unknown type 'place'" },
        { "template.json", "{ \"title\": \"x\",\n  \"variables\": [ oops ] }", "template.json:2", "not valid JSON" },
        { "template.json", "{ \"title\": \"x\", \"variables\": [ { \"name\": \"xa\", \"type\": \"commune\" } ],\n \"zns\": { \"templateId\": \"abc\" } }", "template.json:2", "is not a ZNS template id" },
        { "template.json", "{ \"title\": \"x\", \"variables\": [ { \"name\": \"xa\", \"type\": \"commune\" } ],\n \"zns\": { \"templateId\": \"231456\", \"parameters\": { \"gio\": \"gio\" } } }", "template.json:2", "maps 'gio', which is not a variable" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Should_refuse_a_broken_file_with_its_file_line_and_reason(string file, string content, string where, string reason)
    {
        var files = new Dictionary<string, string> { ["template.json"] = Meta, ["vi.txt"] = Vi, [file] = content };

        var problems = Problems(files);

        Assert.Contains(problems, p => p.StartsWith($"templates/canh-bao/{where}:", StringComparison.Ordinal) && p.Contains(reason));
    }

    [Fact]
    public void Should_require_the_vietnamese_text() =>
        Assert.Contains(Problems(new() { ["template.json"] = Meta }), p => p.Contains("vi.txt:1") && p.Contains("Vietnamese body is required"));

    [Fact]
    public void Should_read_a_valid_folder_with_translations_states_and_versions()
    {
        var files = new Dictionary<string, string>
        {
            ["template.json"] = Meta,
            ["vi.txt"] = Vi.Replace("version: 1", "version: 2"),
            ["hnj.txt"] = "state: approved\ntranslator: a\napprover: b\nsource-version: 2\n[sms]\nKoj {xa} {ngay}.\n",
            ["tyz.txt"] = "state: approved\ntranslator: a\napprover: b\nsource-version: 1\n[sms]\n{xa} {ngay} {{mưa}}.\n",
        };

        var (template, problems) = TemplateFiles.Parse("canh-bao", files, "templates/canh-bao");

        Assert.Empty(problems);
        Assert.Equal(2, template!.VietnameseVersion);
        Assert.Equal("UBND {xa} thông báo:\nngày {ngay} có mưa lớn.", template.Translation("vi")!.Zalo);
        Assert.True(template.IsSendable("hnj"));
        Assert.True(template.Translation("tyz")!.Stale);
        Assert.False(template.IsSendable("tyz"));   // approved, but of the old Vietnamese text
        Assert.False(template.IsSendable("mtq"));   // no text at all
    }

    [Fact]
    public void Should_write_back_what_it_reads()
    {
        var files = new Dictionary<string, string>
        {
            ["template.json"] = Meta, ["vi.txt"] = Vi,
            ["hnj.txt"] = "state: draft\ntranslator: a\nsource-version: 1\n[sms]\nKoj {xa} {ngay}.\n",
        };
        var (template, _) = TemplateFiles.Parse("canh-bao", files, "t");

        var (again, problems) = TemplateFiles.Parse("canh-bao", TemplateFiles.Write(template!), "t");

        Assert.Empty(problems);
        Assert.Equal(template!.Variables, again!.Variables);
        Assert.Equal(template.Translations, again.Translations);
        Assert.Equal(template.Title, again.Title);
    }

    [Fact]
    public void Should_load_the_shipped_templates_without_a_problem()
    {
        var (templates, problems) = TemplateFiles.LoadFolder(Path.Combine(AppContext.BaseDirectory, "templates"));

        Assert.Empty(problems);
        Assert.Superset(new HashSet<string> { "canh-bao-sat-lo", "tiem-chung", "chi-tra-tro-cap", "xac-nhan-ngon-ngu" }, templates.Select(t => t.Key).ToHashSet());
        // Invent no minority-language text: the shipped templates are Vietnamese only.
        Assert.All(templates, t => Assert.Equal(["vi"], t.Translations.Select(b => b.Language)));
    }
}
