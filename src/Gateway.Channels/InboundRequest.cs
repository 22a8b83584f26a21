namespace Gateway.Channels;

/// <summary>What a webhook received, detached from ASP.NET so adapters are testable with raw payloads.</summary>
/// <param name="PublicUrl">The URL the provider called, rebuilt from the configured public base URL (never the internal Host).</param>
/// <param name="Headers">Case-insensitive.</param>
public sealed record InboundRequest(
    string Method,
    string PublicUrl,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string? ContentType)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

public enum WebhookKind { Receive, Status }
