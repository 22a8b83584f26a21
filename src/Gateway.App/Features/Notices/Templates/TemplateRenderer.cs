using Gateway.Channels;
using System.Globalization;
using Gateway.App.Features.Directory;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Notices.Templates;

/// <param name="Language">The language actually used: the resident's when it has an approved, current translation, else vi.</param>
/// <param name="Fallback">The resident reads another language but gets Vietnamese.</param>
/// <param name="Zalo">The Zalo body, or the SMS body when the template has none.</param>
public sealed record RenderedNotice(string Language, bool Fallback, string Sms, string Zalo);

/// <summary>
/// Checks a broadcast's values against the template's typed variables and fills a language's bodies:
/// dates as <c>dd/MM/yyyy</c>, times as <c>HH:mm</c>, money as <c>1.500.000 đồng</c>, numbers with <c>.</c>
/// thousands, a commune code as the commune's full Vietnamese name.
/// </summary>
public static class TemplateRenderer
{
    private static readonly NumberFormatInfo Thousands = new() { NumberGroupSeparator = ".", NumberDecimalSeparator = "," };

    public static IReadOnlyList<string> Validate(NoticeTemplate t, IReadOnlyDictionary<string, string> values, CommuneDirectory directory)
    {
        var problems = new List<string>();
        foreach (var v in t.Variables)
        {
            if (!values.TryGetValue(v.Name, out var value) || string.IsNullOrWhiteSpace(value))
                problems.Add($"Variable '{v.Name}' ({v.Type}) is missing.");
            else if (Format(v.Type, value.Trim(), directory) is null)
                problems.Add($"Variable '{v.Name}' is not a {v.Type}: '{Shorten(value)}' ({Expected(v.Type)}).");
        }
        foreach (var name in values.Keys.Where(k => t.Variables.All(v => v.Name != k)))
            problems.Add($"Variable '{name}' is not a variable of template '{t.Key}' ({string.Join(", ", t.Variables.Select(v => v.Name))}).");
        return problems;
    }

    public static RenderedNotice Render(NoticeTemplate t, string? language, IReadOnlyDictionary<string, string> values, CommuneDirectory directory)
    {
        var wanted = Languages.Default.Canonical(language) ?? language;
        var used = wanted is not null && t.IsSendable(wanted) ? wanted : Languages.Vietnamese;
        var body = t.Translation(used) ?? throw new InvalidOperationException($"Template '{t.Key}' has no Vietnamese body");
        string Value(string name)
        {
            var type = t.Variables.FirstOrDefault(v => v.Name == name)?.Type ?? VariableTypes.Text;
            return values.TryGetValue(name, out var raw) ? Format(type, raw.Trim(), directory) ?? raw : "";
        }
        var sms = Placeholders.Fill(body.Sms, Value);
        var zalo = body.Zalo is null ? sms : Placeholders.Fill(body.Zalo, Value);
        return new RenderedNotice(used, wanted is not null && wanted != Languages.Vietnamese && used == Languages.Vietnamese, sms, zalo);
    }

    /// <summary>
    /// The ZNS template and its parameters (the template's mapping of its variables to ZNS parameter names, each
    /// value rendered as in the text), or null when the template has no ZNS template.
    /// </summary>
    public static OutboundTemplate? Zns(NoticeTemplate t, IReadOnlyDictionary<string, string> values, CommuneDirectory directory)
    {
        if (string.IsNullOrEmpty(t.ZnsTemplateId)) return null;
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (variable, parameter) in t.ZnsParameters ?? new Dictionary<string, string>())
        {
            var type = t.Variables.FirstOrDefault(v => v.Name == variable)?.Type ?? VariableTypes.Text;
            data[parameter] = values.TryGetValue(variable, out var raw) ? Format(type, raw.Trim(), directory) ?? raw : "";
        }
        return new OutboundTemplate(t.ZnsTemplateId, data);
    }

    /// <summary>The rendered value, or null when it is not of the type.</summary>
    public static string? Format(string type, string value, CommuneDirectory directory) => type switch
    {
        VariableTypes.Text => value.Length <= 300 ? VietText.Normalize(value) : null,
        VariableTypes.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : null,
        VariableTypes.Time => TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var tm)
            ? tm.ToString("HH:mm", CultureInfo.InvariantCulture) : null,
        VariableTypes.Money => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m.ToString("#,0", Thousands) + " đồng" : null,
        VariableTypes.Number => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n.ToString("#,0", Thousands) : null,
        VariableTypes.Commune => directory.FindCommune(value)?.Name,
        _ => null,
    };

    private static string Expected(string type) => type switch
    {
        VariableTypes.Date => "yyyy-MM-dd",
        VariableTypes.Time => "HH:mm",
        VariableTypes.Money or VariableTypes.Number => "a whole number, no separators",
        VariableTypes.Commune => "a 5-digit commune code",
        _ => "at most 300 characters",
    };

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
