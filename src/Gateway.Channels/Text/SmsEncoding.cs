using System.Text;

namespace Gateway.Channels.Text;

public enum SmsCharset { Gsm7, Ucs2 }

/// <param name="Encoding">GSM-7 unless one character is outside the GSM-7 basic and extension tables.</param>
/// <param name="Segments">Parts the operator bills; 0 for an empty text.</param>
/// <param name="Units">Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2.</param>
/// <param name="Utf16Length">The text's length in UTF-16 code units.</param>
public sealed record SmsInfo(SmsCharset Encoding, int Segments, int Units, int Utf16Length)
{
    /// <summary>Units still free in the last segment before another one is needed.</summary>
    public int RemainingInSegment { get; init; }
}

/// <summary>
/// How many SMS parts a text costs, computed the way Twilio (and its message-segment-calculator) does:
/// GSM-7 160 septets single / 153 per part; UCS-2 70 units single / 67 per part. A GSM-7 escape sequence
/// and a UTF-16 surrogate pair are never split across parts, so a part can carry one unit fewer.
/// </summary>
public static class SmsEncoding
{
    public const int Gsm7Single = 160, Gsm7Part = 153, Ucs2Single = 70, Ucs2Part = 67;

    public static SmsInfo Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gsm = IsGsm7(text);
        var single = gsm ? Gsm7Single : Ucs2Single;
        var part = gsm ? Gsm7Part : Ucs2Part;

        var total = 0;
        foreach (var rune in text.EnumerateRunes()) total += Cost(rune, gsm);
        if (total == 0) return new SmsInfo(gsm ? SmsCharset.Gsm7 : SmsCharset.Ucs2, 0, 0, text.Length) { RemainingInSegment = single };
        if (total <= single)
            return new SmsInfo(gsm ? SmsCharset.Gsm7 : SmsCharset.Ucs2, 1, total, text.Length) { RemainingInSegment = single - total };

        // Concatenated: fill parts greedily; a character that does not fit whole starts the next part.
        int segments = 1, used = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cost = Cost(rune, gsm);
            if (used + cost > part) { segments++; used = 0; }
            used += cost;
        }
        return new SmsInfo(gsm ? SmsCharset.Gsm7 : SmsCharset.Ucs2, segments, total, text.Length) { RemainingInSegment = part - used };
    }

    /// <summary>True when every character is in the GSM 03.38 basic or extension table.</summary>
    public static bool IsGsm7(string text)
    {
        foreach (var c in text)
            if (!Gsm7.Basic.Contains(c) && !Gsm7.Extension.Contains(c)) return false;
        return true;
    }

    /// <summary>
    /// The không dấu variant: Vietnamese tone and vowel marks removed, đ → d and Đ → D, case kept.
    /// Only Latin combining marks (U+0300–U+036F) are dropped, so Khmer or Tai Viet text is left intact.
    /// Often turns a UCS-2 message into GSM-7, cutting its cost by more than half.
    /// </summary>
    public static string Unaccented(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (c is >= '\u0300' and <= '\u036F') continue;
            sb.Append(c switch { 'đ' => 'd', 'Đ' => 'D', _ => c });
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static int Cost(Rune rune, bool gsm)
    {
        if (!gsm) return rune.Utf16SequenceLength;
        return Gsm7.Extension.Contains((char)rune.Value) ? 2 : 1;
    }

    private static class Gsm7
    {
        // GSM 03.38 default alphabet (0x1B, the escape, omitted) and its extension table (each costs ESC + char).
        public static readonly HashSet<char> Basic =
        [
            .. "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
               "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
        ];

        public static readonly HashSet<char> Extension = [.. "\f^{}\\[~]|€"];
    }
}
