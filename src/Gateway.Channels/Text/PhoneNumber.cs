namespace Gateway.Channels.Text;

/// <summary>
/// Phone numbers as residents type them, normalized to E.164. Vietnamese numbers become <c>+84…</c>;
/// other countries are accepted only when written with <c>+</c> (or <c>00</c>) and their country code.
/// </summary>
public static class PhoneNumber
{
    /// <summary>
    /// Accepts <c>0912345678</c>, <c>84912345678</c>, <c>+84 912 345 678</c>, <c>(091) 234-5678</c>,
    /// <c>0084…</c>, <c>tel:…</c>, legacy 11-digit mobiles (<c>0169…</c> → <c>+8439…</c>) and VN landlines
    /// (<c>02xx…</c>). Returns false for anything else.
    /// </summary>
    public static bool TryNormalize(string? input, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(input)) return false;

        var s = input.Trim();
        if (s.StartsWith("tel:", StringComparison.OrdinalIgnoreCase)) s = s[4..];

        var international = false;
        Span<char> digits = stackalloc char[32];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+' && n == 0 && !international) { international = true; continue; }
            if (c is >= '0' and <= '9')
            {
                if (n == digits.Length) return false;
                digits[n++] = c;
                continue;
            }
            // Separators people and phones insert; anything else (letters, a second '+') is garbage.
            if (char.IsWhiteSpace(c) || c is '.' or '-' or '(' or ')' or '/' or '\u00A0') continue;
            return false;
        }

        var d = new string(digits[..n]);
        if (!international && d.StartsWith("00", StringComparison.Ordinal))
        {
            // 00 is Vietnam's international call prefix: 0084… = +84…
            international = true;
            d = d[2..];
        }

        if (international)
        {
            if (d.StartsWith("84", StringComparison.Ordinal)) return TryVietnamese(d[2..], out e164);
            if (d.Length is < 8 or > 15 || d[0] == '0') return false;
            e164 = "+" + d;
            return true;
        }

        // No '+': it is Vietnamese, either national (leading 0), with the country code, or bare.
        return d.Length switch
        {
            10 or 11 when d[0] == '0' => TryVietnamese(d[1..], out e164),
            11 or 12 when d.StartsWith("84", StringComparison.Ordinal) => TryVietnamese(d[2..], out e164),
            9 => TryVietnamese(d, out e164),
            _ => false,
        };
    }

    /// <summary>For logs: <c>+84912345678</c> → <c>+8491*****678</c> (country and carrier prefix, last three digits).</summary>
    public static string Mask(string e164)
    {
        if (string.IsNullOrEmpty(e164)) return "";
        var plus = e164.StartsWith('+') ? "+" : "";
        var digits = plus.Length == 1 ? e164[1..] : e164;
        if (digits.Length <= 5) return plus + new string('*', digits.Length);
        var keepHead = digits.Length >= 10 ? 4 : 2;
        return plus + digits[..keepHead] + new string('*', digits.Length - keepHead - 3) + digits[^3..];
    }

    /// <summary><paramref name="nsn"/> is the national significant number: the digits after 84 (or after the trunk 0).</summary>
    private static bool TryVietnamese(string nsn, out string e164)
    {
        e164 = "";
        switch (nsn.Length)
        {
            case 9 when VnMobilePrefixes.Current.Contains(nsn[..2]):
                e164 = "+84" + nsn;
                return true;
            case 10 when nsn[0] == '1' && VnMobilePrefixes.Legacy.TryGetValue("0" + nsn[..3], out var modern):
                // 0169 1234567 → 039 1234567: the 2018 conversion kept the last seven digits.
                e164 = "+84" + modern[1..] + nsn[3..];
                return true;
            case 10 when nsn[0] == '2':
                // Landline: 02xx area code + subscriber number. Valid E.164, though SMS will not reach it.
                e164 = "+84" + nsn;
                return true;
            default:
                return false;
        }
    }
}
