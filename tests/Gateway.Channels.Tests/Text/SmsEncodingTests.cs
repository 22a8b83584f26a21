using System.Text;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Text;

namespace Gateway.Channels.Tests.Text;

public class SmsEncodingTests
{
    public static TheoryData<int> SegmentVectors => ConformanceVectors.SmsIndexes;

    [Theory]
    [MemberData(nameof(SegmentVectors))]
    public void Matches_every_segment_vector(int index)
    {
        var v = ConformanceVectors.Sms(index);
        var text = v.GetProperty("text").GetString()!;
        var form = v.GetProperty("normalization").GetString() == "NFD" ? NormalizationForm.FormD : NormalizationForm.FormC;
        Assert.True(text.IsNormalized(form), "the copied vector kept its normalization form");

        var info = SmsEncoding.Analyze(text);

        Assert.Equal(v.GetProperty("encoding").GetString() == "GSM-7" ? SmsCharset.Gsm7 : SmsCharset.Ucs2, info.Encoding);
        Assert.Equal(v.GetProperty("segments").GetInt32(), info.Segments);
        Assert.Equal(v.GetProperty("utf16_code_units").GetInt32(), info.Utf16Length);
        if (info.Encoding == SmsCharset.Ucs2) Assert.Equal(info.Utf16Length, info.Units);
    }

    [Fact]
    public void Vector_table_is_all_there() => Assert.Equal(16, ConformanceVectors.Count("sms_segment_vectors"));

    [Fact]
    public void Extension_characters_cost_two_septets()
    {
        var info = SmsEncoding.Analyze(new string('€', 80));
        Assert.Equal(SmsCharset.Gsm7, info.Encoding);
        Assert.Equal(160, info.Units);
        Assert.Equal(1, info.Segments);
        Assert.Equal(2, SmsEncoding.Analyze(new string('€', 80) + "a").Segments);
    }

    [Fact]
    public void A_surrogate_pair_is_never_split_across_segments()
    {
        // 66 + 2 + 66 = 134 units would fit two 67-unit parts only if the emoji could be split.
        var text = new string('ạ', 66) + "😀" + new string('ạ', 66);
        var info = SmsEncoding.Analyze(text);
        Assert.Equal(134, info.Units);
        Assert.Equal(3, info.Segments);
    }

    [Fact]
    public void A_gsm7_escape_sequence_is_never_split_across_segments()
    {
        var text = new string('a', 152) + "€" + new string('a', 152);
        var info = SmsEncoding.Analyze(text);
        Assert.Equal(306, info.Units);
        Assert.Equal(3, info.Segments);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("ạ", 1)]
    public void Counts_short_texts(string text, int segments) => Assert.Equal(segments, SmsEncoding.Analyze(text).Segments);

    [Fact]
    public void Reports_the_room_left_in_the_last_segment()
    {
        Assert.Equal(160 - 8, SmsEncoding.Analyze("Xin chao").RemainingInSegment);
        Assert.Equal(67 - 4, SmsEncoding.Analyze(new string('ạ', 71)).RemainingInSegment);
    }

    [Theory]
    [InlineData("Xin chào, đường vào bản bị sạt lở", "Xin chao, duong vao ban bi sat lo")]
    [InlineData("ĐƯỜNG VÀO BẢN", "DUONG VAO BAN")]
    [InlineData("Cảnh báo: mưa lớn kéo dài ở Mù Cang Chải", "Canh bao: mua lon keo dai o Mu Cang Chai")]
    [InlineData("Hòa Hoà Thủy Thuỷ", "Hoa Hoa Thuy Thuy")]
    [InlineData("H’Leo 0214 3871 xxx €", "H’Leo 0214 3871 xxx €")]
    [InlineData("សួស្តី", "សួស្តី")] // Khmer: its vowel signs are not Latin diacritics and must survive
    public void Unaccented_strips_vietnamese_diacritics_and_keeps_case(string text, string expected) =>
        Assert.Equal(expected, SmsEncoding.Unaccented(text));

    [Fact]
    public void Unaccented_handles_decomposed_input_and_turns_vietnamese_into_gsm7()
    {
        var nfd = "Xin chào, đường vào bản bị sạt lở".Normalize(NormalizationForm.FormD);
        var plain = SmsEncoding.Unaccented(nfd);
        Assert.Equal("Xin chao, duong vao ban bi sat lo", plain);
        Assert.Equal(SmsCharset.Ucs2, SmsEncoding.Analyze(nfd).Encoding);
        Assert.Equal(SmsCharset.Gsm7, SmsEncoding.Analyze(plain).Encoding);
    }
}
