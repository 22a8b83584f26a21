namespace Gateway.App.Infrastructure;

/// <summary>This process among the gateway's instances: the owner named on the leases it takes.</summary>
public sealed class GatewayInstance
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
