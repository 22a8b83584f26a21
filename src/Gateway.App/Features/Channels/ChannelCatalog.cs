using Gateway.Channels;

namespace Gateway.App.Features.Channels;

/// <summary>
/// The channel instances configured under <c>Channels:{key}</c>, each paired with its adapter.
/// Validated on start: an unknown type or a missing secret stops the host with a clear message.
/// </summary>
public sealed class ChannelCatalog
{
    private readonly Dictionary<string, ChannelInstance> _byKey;

    public ChannelCatalog(IConfiguration configuration, ChannelRegistry registry)
    {
        _byKey = new(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Channels").GetChildren())
        {
            var options = new ChannelOptions();
            section.Bind(options);
            options.Key = section.Key;
            if (string.IsNullOrWhiteSpace(options.Type)) continue; // a partially overridden demo channel
            var adapter = registry.Find(options.Type)
                ?? throw new InvalidOperationException($"Channels:{section.Key}:Type '{options.Type}' is not a known channel type ({string.Join(", ", registry.Adapters.Select(a => a.Type))}).");
            var missing = MissingSecrets(options);
            if (missing is not null)
            {
                // Not fatal: the demo channels ship without secrets. The webhook answers 404 until configured.
                Disabled.Add($"{section.Key}: {missing}");
                continue;
            }
            _byKey[section.Key] = new ChannelInstance(options, adapter);
        }
    }

    public IEnumerable<ChannelInstance> All => _byKey.Values;

    /// <summary>Configured channels left off because a secret is missing, with the setting to add.</summary>
    public List<string> Disabled { get; } = [];

    public ChannelInstance? Find(string key) => _byKey.GetValueOrDefault(key);

    private static string? MissingSecrets(ChannelOptions o)
    {
        string[] required = o.Type switch
        {
            ChannelTypes.Twilio => [nameof(o.AccountSid), nameof(o.AuthToken)],
            ChannelTypes.Zalo => [nameof(o.AppId), nameof(o.OaSecretKey)],
            ChannelTypes.Zns => [nameof(o.ZaloOa)],
            ChannelTypes.Esms => [nameof(o.ApiKey), nameof(o.SecretKey), nameof(o.Brandname)],
            _ => [],
        };
        foreach (var name in required)
        {
            var value = typeof(ChannelOptions).GetProperty(name)!.GetValue(o) as string;
            if (string.IsNullOrWhiteSpace(value))
                return $"set Channels__{o.Key}__{name} to enable this {o.Type} channel";
        }
        return null;
    }
}

public sealed record ChannelInstance(ChannelOptions Options, IChannelAdapter Adapter)
{
    public string Key => Options.Key;
    public string Type => Options.Type;
}
