using System.Security.Cryptography;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Tracking codes residents read out over the phone or type on a basic keypad: 8 characters in two
/// groups, no look-alikes (0/O, 1/I/L), about 10^12 values. Uniqueness is enforced by the database.
/// </summary>
public static class TrackingCode
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public static string New()
    {
        Span<char> code = stackalloc char[9];
        for (var i = 0; i < 9; i++)
            code[i] = i == 4 ? '-' : Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(code);
    }

    /// <summary>As someone types it (any case, with or without the dash or spaces) → the stored form, or null when it cannot be one.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null) return null;
        var plain = new string(typed.Trim().ToUpperInvariant().Where(c => c != '-' && c != ' ').ToArray());
        if (plain.Length != 8 || plain.Any(c => !Alphabet.Contains(c))) return null;
        return plain[..4] + "-" + plain[4..];
    }
}
