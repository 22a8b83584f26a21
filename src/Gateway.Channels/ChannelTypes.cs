using Gateway.Channels.Simulator;
using Gateway.Channels.Twilio;
using Gateway.Channels.Zalo;

namespace Gateway.Channels;

/// <summary>The <c>Channels:{key}:Type</c> values, named once.</summary>
public static class ChannelTypes
{
    public const string Twilio = TwilioAdapter.ChannelType;
    public const string Zalo = ZaloAdapter.ChannelType;
    public const string Simulator = SimulatorAdapter.ChannelType;
    /// <summary>Zalo Notification Service: registered templates to a phone number, through a <c>zalo</c> channel's OA.</summary>
    public const string Zns = "zns";
    /// <summary>eSMS.vn, a Vietnamese SMS aggregator: brandname SMS out, short-code SMS in.</summary>
    public const string Esms = "esms";

    /// <summary>Channels that carry SMS (segments, encodings, the phone number as address).</summary>
    public static bool IsSms(string type) => type is Twilio or Simulator or Esms;

    /// <summary>
    /// Channels whose provider refuses a repeated client reference (eSMS RequestId): a send interrupted by a crash
    /// is sent again, since a repeat cannot deliver twice. Elsewhere it is left <c>unknown</c> for review.
    /// </summary>
    public static bool RefusesDuplicates(string type) => type is Esms;

    /// <summary>Channels that send with a Zalo OA access token, which the gateway renews.</summary>
    public static bool UsesZaloToken(string type) => type is Zalo or Zns;
}
