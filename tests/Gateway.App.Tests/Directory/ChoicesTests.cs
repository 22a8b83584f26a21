using Gateway.App.Features.Directory;
using Gateway.Channels.Text;

namespace Gateway.App.Tests.Directory;

public class ChoicesTests
{
    private static readonly CommuneDirectory Directory = CommuneDirectory.Default;

    [Fact]
    public void Choices_across_provinces_are_numbered_with_code_and_province()
    {
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("lien son"));
        Assert.Equal(
            "Bạn ở xã nào? Trả lời số:\n1) Xã Liên Sơn (04660), Lào Cai\n2) Xã Liên Sơn (04960), Phú Thọ",
            Directory.DescribeChoices(match.Candidates));
    }

    [Fact]
    public void Choices_in_one_province_name_it_once()
    {
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("Cống Vị"));
        Assert.Equal(
            "Bạn ở phường nào (Hà Nội)? Trả lời số:\n1) Phường Ngọc Hà (00008)\n2) Phường Giảng Võ (00025)",
            Directory.DescribeChoices(match));
    }

    [Fact]
    public void Mixed_units_ask_for_xa_or_phuong()
    {
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("Ba Đình"));
        Assert.StartsWith("Bạn ở xã/phường nào? Trả lời số:\n1) Phường Ba Đình (00004), Hà Nội\n2) Xã Ba Đình (16171), Thanh Hoá",
            Directory.DescribeChoices(match.Candidates));
    }

    [Fact]
    public void A_capped_list_also_asks_for_the_province()
    {
        var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("tan thanh"));
        var text = Directory.DescribeChoices(match);
        Assert.EndsWith("\nKhông thấy? Nhắn tên xã kèm tên tỉnh.", text);
        Assert.Contains($"\n{CommuneDirectory.MaxCandidates}) ", text);
        Assert.DoesNotContain($"\n{CommuneDirectory.MaxCandidates + 1}) ", text);
        Assert.Equal(text, VietText.Normalize(text)); // NFC, as sent
    }

    [Fact]
    public void Every_prompt_for_any_name_fits_in_five_SMS_segments()
    {
        // A long SMS costs per 67-character UCS-2 segment: check the prompt for every ambiguous name, current or old.
        var names = Directory.Communes.Select(c => c.ShortName).Concat(Directory.OldCommunes.Select(o => o.ShortName)).Distinct();
        var longest = "";
        foreach (var name in names)
        {
            if (Directory.Resolve(name) is not CommuneMatch.Ambiguous match) continue;
            var prompt = Directory.DescribeChoices(match);
            if (prompt.Length > longest.Length) longest = prompt;
        }
        Assert.True(longest.Length <= 5 * 67, $"{longest.Length} chars:\n{longest}");
    }

    [Fact]
    public void Every_choice_of_every_ambiguous_answer_names_its_code()
    {
        foreach (var text in new[] { "lien son", "van lang", "Cống Vị", "tan thanh", "ba dinh", "thanh an hcm" })
        {
            var match = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve(text));
            var prompt = Directory.DescribeChoices(match.Candidates);
            for (var i = 0; i < match.Candidates.Count; i++)
                Assert.Contains($"{i + 1}) {match.Candidates[i].Name} ({match.Candidates[i].Code})", prompt);
        }
    }

    [Fact]
    public void No_candidates_asks_for_name_and_province()
        => Assert.Equal("Không tìm thấy xã/phường. Nhắn tên xã kèm tên tỉnh.", Directory.DescribeChoices([]));

    [Theory]
    [InlineData("1", "04660")]
    [InlineData(" 2 ", "04960")]
    [InlineData("2)", "04960")]
    [InlineData("số 2", "04960")]
    [InlineData("so 1", "04660")]
    [InlineData("04960", "04960")]
    [InlineData("3", null)]
    [InlineData("0", null)]
    [InlineData("03046", null)] // a code, but not one of the choices
    [InlineData("hai", null)]
    [InlineData("", null)]
    public void A_reply_picks_a_choice_by_number_or_code(string reply, string? expected)
    {
        var candidates = Assert.IsType<CommuneMatch.Ambiguous>(Directory.Resolve("lien son")).Candidates;
        Assert.Equal(expected, CommuneDirectory.PickChoice(candidates, reply)?.Code);
    }
}
