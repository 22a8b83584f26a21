namespace Gateway.App;

public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The public URL providers call (and sign). Behind a proxy this differs from the internal address.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";

    /// <summary>
    /// The data-protection key ring that encrypts stored Zalo tokens. Default: <c>keys/</c> beside the SQLite file
    /// (or <c>data/keys</c>). Several instances must share it; back it up with the database.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>
    /// The HMAC secret of the resident keys carried on the bus. Unset: one is generated once and kept in the database
    /// (<c>gateway_secrets</c>), which every instance on it shares.
    /// </summary>
    public string? ResidentKeySecret { get; set; }
}
