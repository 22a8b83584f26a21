using System.Globalization;
using System.Text;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Directory;

/// <summary>One word of a name, in the two forms names are compared in.</summary>
/// <param name="Folded">Diacritics removed, đ → d, lower case, apostrophes dropped (<see cref="VietText.Fold"/>): "hoa", "hleo".</param>
/// <param name="Exact">Diacritics kept but the tone mark moved to the end, lower case, apostrophes dropped: "hòa" and "hoà" both give "hoa|1".</param>
internal readonly record struct NameToken(string Folded, string Exact)
{
    public bool IsDigits => Folded.Length > 0 && Folded.All(char.IsAsciiDigit);
}

/// <summary>
/// Splits a resident's text (or a name from the data files) into <see cref="NameToken"/>s, so that names match with
/// diacritics folded and case ignored, and — when the resident typed diacritics — exactly, regardless of tone-mark
/// placement (Hòa/Hoà, Thủy/Thuỷ), apostrophe style (H'Leo/H’Leo/HLeo) and NFC/NFD.
/// </summary>
internal static class NameKey
{
    /// <summary>Longer texts are not a commune name (names have at most 5 words, addresses a dozen).</summary>
    public const int MaxTokens = 24;

    /// <param name="cache">Words already keyed (loading the data: names share few syllables), or null.</param>
    public static List<NameToken> Tokenize(string text, Dictionary<string, NameToken>? cache = null)
    {
        var tokens = new List<NameToken>();
        if (string.IsNullOrWhiteSpace(text)) return tokens;

        // NFC, control characters out. 'Ð'/'ð' (Icelandic eth) stand in for 'Đ'/'đ' in some fonts and keyboards.
        var normalized = VietText.Normalize(text).Replace('Ð', 'Đ').Replace('ð', 'đ');
        var word = new StringBuilder();
        foreach (var c in normalized)
        {
            if (char.IsLetterOrDigit(c) || IsApostrophe(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                word.Append(c);
                continue;
            }
            Flush(word, tokens, cache);
            if (tokens.Count > MaxTokens) return tokens;
        }
        Flush(word, tokens, cache);
        return tokens;
    }

    public static string FoldedKey(IEnumerable<NameToken> tokens) => string.Join(' ', tokens.Select(t => t.Folded));

    public static string ExactKey(IEnumerable<NameToken> tokens) => string.Join(' ', tokens.Select(t => t.Exact));

    public static string FoldedKey(string text) => FoldedKey(Tokenize(text));

    public static string ExactKey(string text) => ExactKey(Tokenize(text));

    private static void Flush(StringBuilder word, List<NameToken> tokens, Dictionary<string, NameToken>? cache)
    {
        if (word.Length == 0) return;
        var w = word.ToString();
        word.Clear();

        // "P1", "q3": the SMS shorthand for "phường 1", "quận 3" (old numbered wards and districts).
        if (w.Length is 2 or 3 && (w[0] is 'p' or 'P' or 'q' or 'Q') && w.Skip(1).All(char.IsAsciiDigit))
        {
            Add(w[..1], tokens, cache);
            Add(w[1..], tokens, cache);
            return;
        }
        Add(w, tokens, cache);
    }

    private static void Add(string word, List<NameToken> tokens, Dictionary<string, NameToken>? cache)
    {
        if (cache is null || !cache.TryGetValue(word, out var token))
        {
            token = new NameToken(VietText.Fold(word), Exact(word));
            cache?.Add(word, token);
        }
        if (token.Folded.Length > 0) tokens.Add(token); // else only apostrophes
    }

    private static bool IsApostrophe(char c) => c is '\'' or '’' or '‘' or 'ʼ' or '`' or '´';

    /// <summary>
    /// Lower case, apostrophes dropped, and the tone mark (huyền, sắc, hỏi, ngã, nặng) taken off its vowel and appended
    /// as "|1".."|5": "Hòa" and "Hoà" have the tone on different letters, and both give "hoa|1". The vowel-quality marks
    /// (â ă ê ô ơ ư đ) stay, so "văn" ≠ "vân" ≠ "van".
    /// </summary>
    private static string Exact(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var tone = '\0';
        foreach (var c in decomposed)
        {
            if (IsApostrophe(c)) continue;
            var t = c switch
            {
                '\u0300' or '\u0340' => '1', // huyền (grave)
                '\u0301' or '\u0341' => '2', // sắc (acute)
                '\u0309' => '3',             // hỏi (hook above)
                '\u0303' => '4',             // ngã (tilde)
                '\u0323' => '5',             // nặng (dot below)
                _ => '\0',
            };
            if (t != '\0') { tone = t; continue; }
            sb.Append(char.ToLowerInvariant(c));
        }
        var key = sb.ToString().Normalize(NormalizationForm.FormC);
        return tone == '\0' ? key : key + "|" + tone;
    }
}
