using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Channels.Esms;

/// <summary>What eSMS's webhooks carry: query parameters of a GET, or the same fields as a form POST.</summary>
internal static class EsmsParameters
{
    /// <summary>Vietnam has one time zone and no daylight saving: eSMS's local times are UTC+7.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>
    /// A form POST's body when it has one, else the query of the URL eSMS called. The first of a repeated name wins.
    /// </summary>
    public static Dictionary<string, string> Read(InboundRequest request)
    {
        var isForm = request.ContentType?.TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
        var pairs = !string.Equals(request.Method, "GET", StringComparison.OrdinalIgnoreCase) && isForm && !request.Body.IsEmpty
            ? FormUrlEncoding.Parse(request.Body.Span)
            : FormUrlEncoding.ParseQuery(FormUrlEncoding.QueryOf(request.PublicUrl));
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs) fields.TryAdd(name, value);
        return fields;
    }

    /// <summary>A non-empty value, or null.</summary>
    public static string? Value(this Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary><c>yyyyMMddHHmmss</c> in Vietnam time, or null when absent or unreadable.</summary>
    public static DateTimeOffset? VietnamTime(string? value) =>
        DateTime.TryParseExact(value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, VietnamOffset)
            : null;

    /// <summary>Constant time for equal lengths, so a guesser learns nothing from how long a refusal took.</summary>
    public static bool SecretEquals(string? expected, string? actual) =>
        !string.IsNullOrEmpty(expected) && actual is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
