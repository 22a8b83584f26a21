namespace Gateway.App;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The public URL providers call (and sign). Behind a proxy this differs from the internal address.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}
