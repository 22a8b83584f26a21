using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Gateway.App.Features.Web;

/// <summary>Markup that is already safe (built by <see cref="Html.H"/> or a literal of ours). Anything else gets encoded.</summary>
public readonly record struct Raw(string Value)
{
    public static readonly Raw Empty = new("");
    public override string ToString() => Value;
}

/// <summary>
/// <c>Html.H($"&lt;td&gt;{value}&lt;/td&gt;")</c>: the literal parts are markup, every hole is HTML-encoded unless it is
/// a <see cref="Raw"/>. So a value cannot be forgotten: encoding is the default, not a call to remember.
/// </summary>
[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private readonly StringBuilder _sb;

    public HtmlHandler(int literalLength, int formattedCount) => _sb = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string s) => _sb.Append(s);
    public void AppendFormatted(Raw raw) => _sb.Append(raw.Value);
    public void AppendFormatted(string? s) => _sb.Append(Html.Encode(s));
    public void AppendFormatted(int i) => _sb.Append(i.ToString(CultureInfo.InvariantCulture));
    public void AppendFormatted(long i) => _sb.Append(i.ToString(CultureInfo.InvariantCulture));
    public void AppendFormatted<T>(T value) => _sb.Append(Html.Encode(Convert.ToString(value, CultureInfo.InvariantCulture)));

    public override string ToString() => _sb.ToString();
}

public static class Html
{
    /// <summary>
    /// Encodes &lt; &gt; &amp; " ' and friends but keeps Vietnamese letters as UTF-8: the default encoder would turn every
    /// "ế" into "&amp;#x1EBF;" and triple the size of a Vietnamese page on a 2G link.
    /// </summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? s) => string.IsNullOrEmpty(s) ? "" : Encoder.Encode(s);

    public static Raw H(ref HtmlHandler handler) => new(handler.ToString());

    public static Raw Join(IEnumerable<Raw> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>A query-string value: URL-encoded here, HTML-encoded by the hole it goes into.</summary>
    public static string Q(string? s) => Uri.EscapeDataString(s ?? "");

    private static readonly TimeZoneInfo Vietnam = FindVietnam();

    private static TimeZoneInfo FindVietnam()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh"); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("ICT", TimeSpan.FromHours(7), "Giờ Việt Nam", "Giờ Việt Nam");
        }
    }

    /// <summary>Stored UTC milliseconds shown in Vietnam time (UTC+7, no daylight saving): "14:05 23/11/2026".</summary>
    public static string Time(long ms) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), Vietnam).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>Only the time of day, for the phone view.</summary>
    public static string ShortTime(long ms) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), Vietnam).ToString("HH:mm dd/MM", CultureInfo.InvariantCulture);
}
