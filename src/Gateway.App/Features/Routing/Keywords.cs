using Gateway.Channels.Text;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Keywords a resident can send, matched on the folded text (HUY = Hủy = huỷ): opting out of notices, and
/// registering a commune (<c>DK Liên Sơn</c>).
/// </summary>
public static class Keywords
{
    private static readonly HashSet<string> OptOut = ["huy", "tc", "dung", "stop", "tu choi", "huy dang ky"];
    private static readonly string[] Register = ["dk", "dang ky", "dangky"];

    public static bool IsOptOut(string text) => OptOut.Contains(VietText.Fold(text));

    /// <summary>"DK Liên Sơn" → "Liên Sơn" (the original text after the keyword, diacritics kept).</summary>
    public static bool TryRegistration(string text, out string commune)
    {
        commune = "";
        var trimmed = text.Trim();
        var folded = VietText.Fold(trimmed);
        foreach (var keyword in Register)
        {
            if (!folded.StartsWith(keyword + " ", StringComparison.Ordinal)) continue;
            // The folded form drops no letters before the first space, so the word count is the same.
            var words = keyword.Split(' ').Length;
            var rest = trimmed.Split((char[]?)null, words + 1, StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length <= words) return false;
            commune = rest[words].Trim();
            return commune.Length > 0;
        }
        return false;
    }

    /// <summary>"NN Mông" → "Mông": the resident chooses the language of their notices.</summary>
    public static bool TryLanguage(string text, out string language)
    {
        language = "";
        var trimmed = text.Trim();
        if (!VietText.Fold(trimmed).StartsWith("nn ", StringComparison.Ordinal)) return false;
        language = trimmed[2..].Trim();
        return language.Length > 0;
    }

    /// <summary>"KT 8frd-mnux" → "8FRD-MNUX": the resident asks where their question stands (<see cref="StatusQuery"/>).</summary>
    public static bool TryStatusQuery(string text, out string trackingCode) => StatusQuery.TryParse(text, out trackingCode);

    /// <summary>A numbered choice ("2", "so 2") among the communes we offered.</summary>
    public static int? Choice(string text)
    {
        var folded = VietText.Fold(text).Replace("so ", "");
        return int.TryParse(folded, out var n) && n is > 0 and < 100 ? n : null;
    }
}
