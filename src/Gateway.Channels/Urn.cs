namespace Gateway.Channels;

/// <summary>A resident's address on a channel: <c>tel:+84912345678</c> or <c>zalo:1234567890</c>.</summary>
public readonly record struct Urn(string Scheme, string Path)
{
    public const string Tel = "tel";
    public const string Zalo = "zalo";

    public static Urn Phone(string e164) => new(Tel, e164);
    public static Urn ZaloUser(string userId) => new(Zalo, userId);

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
