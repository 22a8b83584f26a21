using System.Globalization;
using System.Text;

namespace Gateway.Channels.Text;

/// <summary>Vietnamese text rules: NFC on ingest, and a folded form for matching keywords and names.</summary>
public static class VietText
{
    /// <summary>NFC (decomposed accents triple an SMS's cost) and control characters stripped; newlines and tabs kept.</summary>
    public static string Normalize(string raw)
    {
        var nfc = raw.Normalize(NormalizationForm.FormC);
        var sb = new StringBuilder(nfc.Length);
        foreach (var c in nfc)
        {
            if (c == '\n' || c == '\t') { sb.Append(c); continue; }
            if (c == '\r') continue;
            if (char.IsControl(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF') continue;
            sb.Append(c);
        }
        return sb.ToString().Trim();
    }

    /// <summary>
    /// The form used to compare keywords and names: diacritics removed (so tone placement Hòa/Hoà no longer
    /// matters), đ → d, lower case, apostrophe variants dropped (H'Leo = H’Leo = HLeo), whitespace collapsed.
    /// </summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c is '\'' or '’' or '‘' or 'ʼ' or '`' or '´') continue;
            if (char.IsWhiteSpace(c) || c is '-' or '_' or '.' or ',')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) { sb.Append(' '); space = false; }
            sb.Append(c switch { 'đ' or 'Đ' => 'd', _ => char.ToLowerInvariant(c) });
        }
        return sb.ToString();
    }
}
