using Gateway.Channels.Zalo;

namespace Gateway.Channels.Tests.Zalo;

public sealed class PkceTests
{
    [Fact]
    public void Challenge_matches_the_rfc_7636_appendix_b_vector() =>
        Assert.Equal("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", Pkce.Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));

    [Fact]
    public void Verifiers_are_random_base64url_of_at_least_43_characters()
    {
        var verifiers = Enumerable.Range(0, 50).Select(_ => Pkce.NewVerifier()).ToList();
        Assert.Equal(verifiers.Count, verifiers.Distinct().Count());
        Assert.All(verifiers, v =>
        {
            Assert.InRange(v.Length, 43, 128); // RFC 7636 §4.1
            Assert.Matches("^[A-Za-z0-9_-]+$", v);
        });
    }

    [Fact]
    public void Challenges_are_unpadded_base64url_and_differ_from_the_verifier()
    {
        var verifier = Pkce.NewVerifier();
        var challenge = Pkce.Challenge(verifier);
        Assert.Equal(43, challenge.Length); // 32 bytes of SHA-256, no '=' padding
        Assert.Matches("^[A-Za-z0-9_-]+$", challenge);
        Assert.NotEqual(verifier, challenge);
        Assert.Equal(challenge, Pkce.Challenge(verifier));
    }

    [Fact]
    public void States_are_random_and_url_safe()
    {
        var a = Pkce.NewState();
        var b = Pkce.NewState();
        Assert.NotEqual(a, b);
        Assert.True(a.Length >= 22);
        Assert.Matches("^[A-Za-z0-9_-]+$", a);
    }
}
