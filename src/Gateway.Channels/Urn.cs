namespace Gateway.Channels;

/// <summary>A resident's address on a channel: <c>tel:+84912345678</c>, <c>zalo:1234567890</c> or <c>sim:+84912345678</c>.</summary>
public readonly record struct Urn(string Scheme, string Path)
{
    public const string Tel = "tel";
    public const string Zalo = "zalo";
    /// <summary>
    /// A simulated phone (the simulator channel): its own scheme, so a simulated resident is never the same person as
    /// the real owner of that number, and no SMS or ZNS channel (they send to <c>tel:</c> only) ever texts it.
    /// </summary>
    public const string Sim = "sim";

    public static Urn Phone(string e164) => new(Tel, e164);
    public static Urn ZaloUser(string userId) => new(Zalo, userId);
    public static Urn Simulated(string e164) => new(Sim, e164);

    public override string ToString() => $"{Scheme}:{Path}";

    public static Urn Parse(string value)
    {
        var i = value.IndexOf(':');
        if (i <= 0) throw new FormatException($"'{value}' is not a URN (scheme:path).");
        return new Urn(value[..i], value[(i + 1)..]);
    }

    /// <summary>For logs: keeps the scheme and the last three characters only.</summary>
    public string Masked => Path.Length <= 3 ? $"{Scheme}:***" : $"{Scheme}:{new string('*', Path.Length - 3)}{Path[^3..]}";
}
