using System.Text;
using Gateway.Channels.Esms;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Esms;

/// <summary>
/// Short-code MO calls in the shape of eSMS's docs (<c>ket-noi-dau-so-ngan.md</c>). Every sign below was computed
/// outside C#, with the docs' sample PrivateKey <c>17417a0d20114d36a902e49cad0e97f3</c>:
/// <c>printf '%s' 'CP12345MO7f3a9c2e41b0Báo sạt lở đường vào bản Nà Hẩu20261202143035&lt;key&gt;' | openssl md5 -binary | base64</c>.
/// </summary>
public class EsmsMoWebhookTests
{
    private const string Gateway = "https://sms-gw.example.vn/webhooks/esms/receive?channel=esms";
    // cpid + smsid + content + receiverTime + key, with cpid CP12345, smsid MO7f3a9c2e41b0, time 20261202143035.
    private const string ValidSign = "d0RD1DTmFVcbmmKlbbPz2A%3D%3D";
    // The same with cpid CP99999: a sign that holds for another partner id.
    private const string OtherCpIdSign = "6iBk0JOgPlhqxPRrngwm3A%3D%3D";
    // The same with an empty smsid.
    private const string NoSmsIdSign = "Zxe9g%2FMiip79s9vKYZIDHA%3D%3D";
    // CP12345 + MO2 + "Cứu hộ" + 20261202143035 + key: a sign with a '+' in it.
    private const string PlusSign = "RESjd3WirmyOjyA5fID+vQ==";
    private const string Content = "B%C3%A1o%20s%E1%BA%A1t%20l%E1%BB%9F%20%C4%91%C6%B0%E1%BB%9Dng%20v%C3%A0o%20b%E1%BA%A3n%20N%C3%A0%20H%E1%BA%A9u";
    private const string ContentPlus = "B%C3%A1o+s%E1%BA%A1t+l%E1%BB%9F+%C4%91%C6%B0%E1%BB%9Dng+v%C3%A0o+b%E1%BA%A3n+N%C3%A0+H%E1%BA%A9u";

    private static readonly ChannelOptions Channel = new()
    {
        Key = "esms", Type = "esms", CpId = FakeEsmsServer.DefaultCpId, PrivateKey = FakeEsmsServer.DefaultPrivateKey,
    };

    private readonly EsmsAdapter _adapter = new();

    private static string Mo(string sender = "84912345678", string content = Content, string sign = ValidSign, string cpid = "CP12345", string smsid = "MO7f3a9c2e41b0") =>
        $"{Gateway}&sender={sender}&content={content}&serviceNumber=8079&keyword=B%C3%A1o&sign={sign}&cpid={cpid}&smsid={smsid}&receiverTime=20261202143035";

    private InboundResult Get(string url, ChannelOptions? channel = null) =>
        _adapter.Handle(WebhookKind.Receive, new InboundRequest("GET", url, new Dictionary<string, string>(), ReadOnlyMemory<byte>.Empty, null), channel ?? Channel);

    private static MessageReceived Expected(string smsid = "MO7f3a9c2e41b0", string text = "Báo sạt lở đường vào bản Nà Hẩu") => new(
        ProviderMessageId: smsid,
        From: Urn.Phone("+84912345678"),
        To: "8079",
        RawText: text,
        Text: text,
        Attachments: [],
        Location: null,
        // 14:30:35 in Vietnam, 07:30:35 UTC.
        SentAt: new DateTimeOffset(2026, 12, 2, 14, 30, 35, TimeSpan.FromHours(7)));

    public static TheoryData<string, string> Accepted => new()
    {
        { "diacritics percent-encoded, %20 spaces", Mo() },
        { "'+' as a space in content", Mo(content: ContentPlus) },
        { "sender percent-encoded with a leading +", Mo(sender: "%2B84912345678") },
        { "parameters in another order", $"{Gateway}&smsid=MO7f3a9c2e41b0&receiverTime=20261202143035&cpid=CP12345&sign={ValidSign}&keyword=B%C3%A1o&serviceNumber=8079&content={Content}&sender=84912345678" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Signed_MO_becomes_one_message_and_the_documented_xml(string _, string url)
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Get(url));

        EventAssert.Equal([Expected()], accepted.Events);
        Assert.Equal("text/xml", accepted.Response.ContentType);
        Assert.Equal("<ClientResponse><Message></Message><Smsid>MO7f3a9c2e41b0</Smsid><Receiver>" +
            (url.Contains("%2B84") ? "+84912345678" : "84912345678") + "</Receiver></ClientResponse>", accepted.Response.Body);
    }

    public static TheoryData<string, string, int, string> Rejected => new()
    {
        { "forged sign", Mo(sign: "AAAAAAAAAAAAAAAAAAAAAA%3D%3D"), 403, "sign" },
        { "sign of other content", Mo(content: "Ch%C3%A0o"), 403, "sign" },
        { "sign in lower case", Mo(sign: "d0rd1dtmfvcbmmklbbpz2a%3D%3D"), 403, "sign" },
        { "another partner's cpid, its sign holding", Mo(cpid: "CP99999", sign: OtherCpIdSign), 403, "cpid" },
        { "missing sign", Mo().Replace($"&sign={ValidSign}", ""), 403, "sign" },
        { "empty sign", Mo(sign: ""), 403, "sign" },
        { "missing smsid, signed", Mo(sign: NoSmsIdSign).Replace("&smsid=MO7f3a9c2e41b0", ""), 400, "smsid" },
        { "missing sender", Mo().Replace("&sender=84912345678", ""), 400, "sender" },
        { "sender not a phone", Mo(sender: "8079abc"), 400, "sender" },
        { "sender too short", Mo(sender: "84912"), 400, "sender" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Bad_MO_is_refused_with_the_status_and_field(string _, string url, int status, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Get(url));
        Assert.Equal(status, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Fact]
    public void A_channel_without_a_private_key_refuses_even_a_valid_sign()
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Get(Mo(), new ChannelOptions { Type = "esms", CpId = "CP12345" }));
        Assert.Equal(403, rejected.StatusCode);
        Assert.Contains("PrivateKey", rejected.Error);
    }

    [Fact]
    public void A_channel_without_a_CpId_accepts_any_partner_id_whose_sign_holds()
    {
        var channel = new ChannelOptions { Type = "esms", PrivateKey = FakeEsmsServer.DefaultPrivateKey };
        Assert.IsType<InboundResult.Accepted>(Get(Mo(cpid: "CP99999", sign: OtherCpIdSign), channel));
    }

    [Fact]
    public void A_sign_whose_plus_arrived_unescaped_as_a_space_still_holds()
    {
        // RESjd3WirmyOjyA5fID+vQ== sent raw: '+' decodes to a space, which base64 never contains.
        var url = $"{Gateway}&sender=84912345678&content=C%E1%BB%A9u%20h%E1%BB%99&serviceNumber=8079&keyword=C%E1%BB%A9u&sign={PlusSign}&cpid=CP12345&smsid=MO2&receiverTime=20261202143035";
        var message = Assert.IsType<MessageReceived>(Assert.Single(Assert.IsType<InboundResult.Accepted>(Get(url)).Events));
        Assert.Equal("Cứu hộ", message.Text);
    }

    [Fact]
    public void A_form_POST_with_the_same_fields_is_accepted()
    {
        var body = Encoding.UTF8.GetBytes($"sender=84912345678&content={ContentPlus}&serviceNumber=8079&keyword=B%C3%A1o&sign={ValidSign}&cpid=CP12345&smsid=MO7f3a9c2e41b0&receiverTime=20261202143035");
        var request = new InboundRequest("POST", Gateway, new Dictionary<string, string>(), body, "application/x-www-form-urlencoded; charset=utf-8");
        var accepted = Assert.IsType<InboundResult.Accepted>(_adapter.Handle(WebhookKind.Receive, request, Channel));
        EventAssert.Equal([Expected()], accepted.Events);
    }

    [Fact]
    public void Decomposed_content_is_normalized_and_the_raw_text_kept()
    {
        var nfd = "Hủy đăng ký".Normalize(NormalizationForm.FormD);
        var url = FakeEsmsServer.MoUrl(Gateway, "84912345678", nfd, "MO9");
        var message = Assert.IsType<MessageReceived>(Assert.Single(Assert.IsType<InboundResult.Accepted>(Get(url)).Events));
        Assert.Equal(nfd, message.RawText);
        Assert.Equal("Hủy đăng ký", message.Text);
    }

    [Fact]
    public void The_reply_xml_escapes_what_it_echoes()
    {
        var url = FakeEsmsServer.MoUrl(Gateway, "84912345678", "hi", "a<b&c");
        var accepted = Assert.IsType<InboundResult.Accepted>(Get(url));
        Assert.Contains("<Smsid>a&lt;b&amp;c</Smsid>", accepted.Response.Body);
    }

    [Fact]
    public void An_unreadable_receiverTime_leaves_SentAt_empty()
    {
        // Signed over the time as sent, so only the parse of it fails.
        var sign = Uri.EscapeDataString(EsmsSignature.Compute("CP12345", "MO1", "hi", "2026-12-02", FakeEsmsServer.DefaultPrivateKey));
        var url = $"{Gateway}&sender=84912345678&content=hi&serviceNumber=8079&sign={sign}&cpid=CP12345&smsid=MO1&receiverTime=2026-12-02";
        var message = Assert.IsType<MessageReceived>(Assert.Single(Assert.IsType<InboundResult.Accepted>(Get(url)).Events));
        Assert.Null(message.SentAt);
    }
}
