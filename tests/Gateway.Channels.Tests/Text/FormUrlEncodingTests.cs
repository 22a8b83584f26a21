using Gateway.Channels.Tests.Vectors;

namespace Gateway.Channels.Tests.Text;

public class FormUrlEncodingTests
{
    public static TheoryData<string> FormVectors
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var v in ConformanceVectors.All("twilio_signature_vectors"))
                if (ConformanceVectors.Str(v, "raw_body") is { } body && !body.StartsWith('{') && !body.StartsWith('['))
                    data.Add(v.GetProperty("id").GetString()!);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FormVectors))]
    public void Parses_every_vector_form_body_to_its_decoded_params(string id)
    {
        var v = ConformanceVectors.Twilio(id);
        var parsed = FormUrlEncoding.Parse(ConformanceVectors.Utf8(v.GetProperty("raw_body").GetString()!));
        var expected = ConformanceVectors.Params(v);
        Assert.Equal(Sorted(expected), Sorted(parsed));
    }

    [Fact]
    public void Decodes_plus_as_space_and_percent_escapes_as_utf8()
    {
        var pairs = FormUrlEncoding.Parse("Body=Xin+ch%C3%A0o%2C+%C4%91%C6%B0%E1%BB%9Dng&Empty=&NoValue&a%2Bb=1%2B1"u8);
        Assert.Equal(
            [new("Body", "Xin chào, đường"), new("Empty", ""), new("NoValue", ""), new("a+b", "1+1")],
            pairs);
    }

    [Fact]
    public void Keeps_repeated_names_in_order_and_a_stray_percent_literally()
    {
        var pairs = FormUrlEncoding.Parse("X=2&X=1&P=100%&Q=%zz"u8);
        Assert.Equal([new("X", "2"), new("X", "1"), new("P", "100%"), new("Q", "%zz")], pairs);
    }

    [Fact]
    public void Encode_round_trips_vietnamese_text()
    {
        List<KeyValuePair<string, string>> pairs = [new("Body", "Cảnh báo: sạt lở & lũ quét + mưa 100%"), new("To", "+84912345678")];
        var encoded = FormUrlEncoding.Encode(pairs);
        Assert.DoesNotContain(" ", encoded);
        Assert.Contains("To=%2B84912345678", encoded);
        Assert.Equal(pairs, FormUrlEncoding.Parse(ConformanceVectors.Utf8(encoded)));
    }

    [Theory]
    [InlineData("https://h/p?a=1&b=2#frag", "a=1&b=2")]
    [InlineData("https://h/p", "")]
    [InlineData("https://h/p?", "")]
    public void QueryOf_returns_the_raw_query(string url, string query) => Assert.Equal(query, FormUrlEncoding.QueryOf(url));

    private static List<string> Sorted(IEnumerable<KeyValuePair<string, string>> pairs) =>
        [.. pairs.Select(p => p.Key + "\u0000" + p.Value).Order(StringComparer.Ordinal)];
}
