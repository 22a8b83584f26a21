using Gateway.Channels.Esms;

namespace Gateway.Channels.Tests.Esms;

/// <summary>Vectors computed outside C# (<c>printf '%s' … | openssl md5 -binary | base64</c>).</summary>
public class EsmsSignatureTests
{
    private const string DocsKey = "17417a0d20114d36a902e49cad0e97f3";

    [Fact]
    public void Matches_the_docs_example_hash_abcdef_1234_xyz()
    {
        // printf '%s' 'abcdef1234xyz17417a0d20114d36a902e49cad0e97f3' | openssl md5 -binary | base64
        Assert.Equal("O85nc2XByOhTm8a8t2rYKA==", EsmsSignature.Compute("abcdef", "1234", "xyz", "", DocsKey));
    }

    [Fact]
    public void Hashes_cpid_smsid_content_time_key_in_that_order_as_UTF8()
    {
        // printf '%s' 'CP12345MO7f3a9c2e41b0Báo sạt lở đường vào bản Nà Hẩu2026120214303517417a0d20114d36a902e49cad0e97f3' | openssl md5 -binary | base64
        Assert.Equal("d0RD1DTmFVcbmmKlbbPz2A==",
            EsmsSignature.Compute("CP12345", "MO7f3a9c2e41b0", "Báo sạt lở đường vào bản Nà Hẩu", "20261202143035", DocsKey));
    }

    [Theory]
    [InlineData("d0RD1DTmFVcbmmKlbbPz2A==", true)]
    [InlineData("d0RD1DTmFVcbmmKlbbPz2A=", false)]
    [InlineData("d0RD1DTmFVcbmmKlbbPz2a==", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsValid_compares_exactly(string? sign, bool valid) =>
        Assert.Equal(valid, EsmsSignature.IsValid("CP12345", "MO7f3a9c2e41b0", "Báo sạt lở đường vào bản Nà Hẩu", "20261202143035", DocsKey, sign));

    [Fact]
    public void No_key_never_validates() =>
        Assert.False(EsmsSignature.IsValid("a", "b", "c", "d", "", EsmsSignature.Compute("a", "b", "c", "d", "")));
}
