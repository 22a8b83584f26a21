namespace Gateway.Channels.Text;

/// <summary>
/// Vietnamese mobile prefixes and the 2018 conversion of 11-digit numbers to 10 digits.
/// </summary>
/// <remarks>
/// Copied from the project's <c>vn_mobile_prefixes.csv</c>, which was compiled from the 2018 conversion table
/// of the Ministry of Information and Communications and google/libphonenumber carrier data (Apache-2.0).
/// Number portability means a prefix no longer proves the current carrier, so only the digits are kept here.
/// </remarks>
internal static class VnMobilePrefixes
{
    /// <summary>Two digits after +84 that start a 9-digit mobile number (03x, 05x, 07x, 08x, 09x allocations).</summary>
    public static readonly IReadOnlySet<string> Current = new HashSet<string>(StringComparer.Ordinal)
    {
        // Viettel
        "32", "33", "34", "35", "36", "37", "38", "39", "86", "96", "97", "98",
        // MobiFone (30 and 51 are newer allocations seen in libphonenumber)
        "70", "79", "77", "76", "78", "89", "90", "93", "30", "51",
        // VinaPhone
        "83", "84", "85", "81", "82", "88", "91", "94",
        // iTel
        "87",
        // Vietnamobile
        "52", "56", "58", "92",
        // Gmobile
        "59", "99",
        // Reddi
        "55",
    };

    /// <summary>Legacy 11-digit national prefix → its 10-digit replacement (converted 2018).</summary>
    public static readonly IReadOnlyDictionary<string, string> Legacy = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Viettel
        ["0162"] = "032", ["0163"] = "033", ["0164"] = "034", ["0165"] = "035",
        ["0166"] = "036", ["0167"] = "037", ["0168"] = "038", ["0169"] = "039",
        // MobiFone
        ["0120"] = "070", ["0121"] = "079", ["0122"] = "077", ["0126"] = "076", ["0128"] = "078",
        // VinaPhone
        ["0123"] = "083", ["0124"] = "084", ["0125"] = "085", ["0127"] = "081", ["0129"] = "082",
        // Vietnamobile
        ["0186"] = "056", ["0188"] = "058",
        // Gmobile
        ["0199"] = "059",
    };
}
