using Gateway.Channels.Esms;
using Gateway.Channels.Simulator;
using Gateway.Channels.Twilio;
using Gateway.Channels.Zalo;
using Gateway.Channels.Zns;

namespace Gateway.Channels;

/// <summary>The channel types the gateway knows: one explicit list, so adding a channel is one line here.</summary>
public sealed class ChannelRegistry
{
    private readonly Dictionary<string, IChannelAdapter> _byType;

    /// <summary>The built-in adapters.</summary>
    public ChannelRegistry(TimeProvider? time = null)
        : this([new TwilioAdapter(time), new ZaloAdapter(time), new ZnsAdapter(time), new SimulatorAdapter(), new EsmsAdapter(time)])
    {
    }

    public ChannelRegistry(IEnumerable<IChannelAdapter> adapters)
    {
        Adapters = [.. adapters];
        _byType = new Dictionary<string, IChannelAdapter>(StringComparer.OrdinalIgnoreCase);
        foreach (var adapter in Adapters)
            if (!_byType.TryAdd(adapter.Type, adapter))
                throw new ArgumentException($"Two adapters claim the channel type '{adapter.Type}'.", nameof(adapters));
    }

    public IReadOnlyList<IChannelAdapter> Adapters { get; }

    /// <summary>The adapter for a configured <see cref="ChannelOptions.Type"/> (case-insensitive), or null.</summary>
    public IChannelAdapter? Find(string type) => _byType.GetValueOrDefault(type);
}
