using System.Text.Json;
using Gateway.Channels.Tests.Vectors;
using Gateway.Channels.Twilio;

namespace Gateway.Channels.Tests.Twilio;

/// <summary>Every twilio_signature_vectors entry, through the validator and through the whole adapter.</summary>
public class TwilioSignatureVectorTests
{
    public static TheoryData<string> Ids => ConformanceVectors.TwilioIds;

    [Fact]
    public void Vector_table_is_all_there() => Assert.Equal(29, ConformanceVectors.Count("twilio_signature_vectors"));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Validator_agrees_with_expected_valid(string id)
    {
        var v = ConformanceVectors.Twilio(id);
        var token = v.GetProperty("auth_token").GetString()!;
        var url = v.GetProperty("request_url").GetString()!;
        var signature = v.GetProperty("x_twilio_signature").GetString()!;

        bool valid;
        if (TwilioVectorRequests.IsGet(v))
            valid = TwilioSignature.IsValid(token, url, null, signature);
        else if (TwilioVectorRequests.IsJson(v))
            valid = TwilioSignature.IsValidWithBody(token, url, TwilioVectorRequests.Body(v), signature);
        else
            // The decoded values of the body as received (tampered vectors differ from what was signed).
            valid = TwilioSignature.IsValid(token, url, FormUrlEncoding.Parse(TwilioVectorRequests.Body(v)), signature);

        Assert.Equal(v.GetProperty("expected_valid").GetBoolean(), valid);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Adapter_accepts_valid_and_refuses_invalid_with_403(string id)
    {
        var v = ConformanceVectors.Twilio(id);
        var result = new TwilioAdapter().Handle(TwilioVectorRequests.Kind(v), TwilioVectorRequests.Request(v), TwilioVectorRequests.Channel(v));

        if (!v.GetProperty("expected_valid").GetBoolean())
        {
            var rejected = Assert.IsType<InboundResult.Rejected>(result);
            Assert.Equal(403, rejected.StatusCode);
            return;
        }

        if (id.StartsWith("twilio-vi-", StringComparison.Ordinal))
        {
            // Real messaging payloads: accepted with one event and the empty TwiML Twilio expects.
            var accepted = Assert.IsType<InboundResult.Accepted>(result);
            Assert.Single(accepted.Events);
            Assert.Same(ProviderResponse.EmptyTwiml, accepted.Response);
        }
        else
        {
            // The SDK suites' vectors carry voice-call params: past the signature, but not a message (400, not 403).
            if (result is InboundResult.Rejected rejected) Assert.Equal(400, rejected.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Wrong_token_is_refused(string id)
    {
        var v = ConformanceVectors.Twilio(id);
        var channel = TwilioVectorRequests.Channel(v);
        channel.AuthToken += "x";
        var result = Assert.IsType<InboundResult.Rejected>(new TwilioAdapter().Handle(TwilioVectorRequests.Kind(v), TwilioVectorRequests.Request(v), channel));
        Assert.Equal(403, result.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void String_to_sign_matches_the_vector(string id)
    {
        var v = ConformanceVectors.Twilio(id);
        var form = TwilioVectorRequests.IsGet(v) || TwilioVectorRequests.IsJson(v) ? [] : ConformanceVectors.Params(v);
        var requestUrl = v.GetProperty("request_url").GetString()!;

        if (ConformanceVectors.Str(v, "string_to_sign") is { } expected && v.GetProperty("expected_valid").GetBoolean())
            Assert.Equal(expected, TwilioSignature.StringToSign(ConformanceVectors.Str(v, "url_twilio_signed")!, form));

        if (v.TryGetProperty("string_to_sign_candidates", out var candidates))
        {
            var ours = TwilioSignature.UrlVariants(requestUrl).Select(u => TwilioSignature.StringToSign(u, form)).ToList();
            Assert.Contains(candidates.EnumerateArray().Select(c => c.GetString()!), c => ours.Contains(c));
        }

        // The signature itself, recomputed over the URL Twilio signed.
        if (ConformanceVectors.Str(v, "url_twilio_signed") is { } signedUrl && v.GetProperty("expected_valid").GetBoolean())
            Assert.Equal(v.GetProperty("x_twilio_signature").GetString(),
                TwilioSignature.Compute(v.GetProperty("auth_token").GetString()!, signedUrl, form));
    }

    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1", "https://mycompany.com:443/myapp.php?foo=1")]
    [InlineData("https://mycompany.com:443/myapp.php", "https://mycompany.com/myapp.php")]
    [InlineData("https://mycompany.com:1234/myapp.php", "https://mycompany.com/myapp.php")]
    [InlineData("http://mycompany.com/myapp.php", "http://mycompany.com:80/myapp.php")]
    [InlineData("http://mycompany.com", "http://mycompany.com:80")]
    [InlineData("https://user:pa:ss@mycompany.com/p", "https://user:pa:ss@mycompany.com:443/p")]
    [InlineData("https://[2001:db8::1]/p", "https://[2001:db8::1]:443/p")]
    [InlineData("https://[2001:db8::1]:8443/p", "https://[2001:db8::1]/p")]
    public void Url_variants_add_or_strip_the_port_as_strings(string url, string variant)
    {
        var variants = TwilioSignature.UrlVariants(url);
        Assert.Equal([url, variant], variants);
    }

    [Fact]
    public void Url_variants_drop_a_fragment() =>
        Assert.Equal("https://h.vn/sms", TwilioSignature.UrlVariants("https://h.vn/sms#rc=2")[0]);

    [Fact]
    public void Json_body_without_bodySHA256_is_not_trusted()
    {
        var v = ConformanceVectors.Twilio("twilio-off-08");
        var url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        var signature = TwilioSignature.Compute("12345", url);
        Assert.True(TwilioSignature.IsValid("12345", url, null, signature));
        Assert.False(TwilioSignature.IsValidWithBody("12345", url, TwilioVectorRequests.Body(v), signature));

        var request = new InboundRequest("POST", url, new Dictionary<string, string> { [TwilioSignature.Header] = signature },
            TwilioVectorRequests.Body(v), "application/json");
        var result = Assert.IsType<InboundResult.Rejected>(new TwilioAdapter().Handle(WebhookKind.Receive, request, new ChannelOptions { AuthToken = "12345" }));
        Assert.Equal(403, result.StatusCode);
    }
}
