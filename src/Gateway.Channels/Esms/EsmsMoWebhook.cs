using System.Security;
using Gateway.Channels.Text;

namespace Gateway.Channels.Esms;

/// <summary>
/// A resident's SMS to the short code: <c>?sender=84…&amp;content=…&amp;serviceNumber=…&amp;keyword=…&amp;sign=…&amp;cpid=…&amp;smsid=…&amp;receiverTime=…</c>.
/// Verified first (403), then parsed (400).
/// </summary>
internal static class EsmsMoWebhook
{
    public static InboundResult Handle(InboundRequest request, ChannelOptions channel)
    {
        if (string.IsNullOrEmpty(channel.PrivateKey))
            return InboundResult.BadSignature("channel has no PrivateKey configured; refusing unverifiable MO");
        var fields = EsmsParameters.Read(request);
        var sign = fields.Value("sign");
        if (sign is null) return InboundResult.BadSignature("sign is missing");

        // The hash covers the values as received; absent ones count as empty, which the sign then fails to match.
        var cpid = fields.GetValueOrDefault("cpid") ?? "";
        var smsid = fields.GetValueOrDefault("smsid") ?? "";
        var content = fields.GetValueOrDefault("content") ?? "";
        var receiverTime = fields.GetValueOrDefault("receiverTime") ?? "";
        if (!EsmsSignature.IsValid(cpid, smsid, content, receiverTime, channel.PrivateKey, sign))
            return InboundResult.BadSignature("sign does not match");
        // One PrivateKey could serve several partner ids; the configured one must be this one.
        if (!string.IsNullOrEmpty(channel.CpId) && !string.Equals(cpid, channel.CpId, StringComparison.Ordinal))
            return InboundResult.BadSignature("cpid is not this channel's");

        if (smsid.Length == 0) return InboundResult.Malformed("smsid is missing");
        if (fields.Value("sender") is not { } sender) return InboundResult.Malformed("sender is missing");
        if (!PhoneNumber.TryNormalize(sender, out var e164)) return InboundResult.Malformed("sender is not a phone number");

        var message = new MessageReceived(
            ProviderMessageId: smsid,
            From: Urn.Phone(e164),
            To: fields.Value("serviceNumber"),
            RawText: content,
            Text: VietText.Normalize(content),
            Attachments: [],
            Location: null,
            SentAt: EsmsParameters.VietnamTime(receiverTime));
        return new InboundResult.Accepted([message], Acknowledgement(smsid, sender));
    }

    /// <summary>
    /// eSMS texts <c>Message</c> back to the resident; it is left empty because the gateway sends its
    /// acknowledgement as its own MT (tracked, retried, in the resident's language).
    /// </summary>
    private static ProviderResponse Acknowledgement(string smsid, string sender) =>
        new("text/xml",
            $"<ClientResponse><Message></Message><Smsid>{SecurityElement.Escape(smsid)}</Smsid><Receiver>{SecurityElement.Escape(sender)}</Receiver></ClientResponse>");
}
