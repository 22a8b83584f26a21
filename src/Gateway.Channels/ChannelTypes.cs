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

    /// <summary>Channels that carry SMS (segments, encodings, the phone number as address).</summary>
    public static bool IsSms(string type) => type is Twilio or Simulator;
}
