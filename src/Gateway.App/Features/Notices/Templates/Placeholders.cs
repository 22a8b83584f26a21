using System.Text;

namespace Gateway.App.Features.Notices.Templates;

/// <summary>
/// <c>{name}</c> placeholders, with <c>{{</c> and <c>}}</c> for literal braces. Parsing and filling share one
/// walk, so what the validator accepts is exactly what the renderer fills.
/// </summary>
public static class Placeholders
{
    public sealed record Problem(int Line, int Column, string Reason)
    {
        public override string ToString() => $"line {Line}, column {Column}: {Reason}";
    }

    /// <summary>The names used, or the first malformed spot (line and column within the text, 1-based).</summary>
    public static (IReadOnlyList<string> Names, Problem? Error) Parse(string text)
    {
        var names = new List<string>();
        var error = Walk(text, name => { names.Add(name); return ""; }, null);
        return (names, error is null ? null : At(text, error.Value.Index, error.Value.Reason));
    }

    public static string Fill(string text, Func<string, string> value)
    {
        var sb = new StringBuilder(text.Length + 32);
        var error = Walk(text, value, sb);
        return error is null ? sb.ToString() : throw new FormatException(At(text, error.Value.Index, error.Value.Reason).ToString());
    }

    private static (int Index, string Reason)? Walk(string text, Func<string, string> value, StringBuilder? output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '{')
            {
                if (i + 1 < text.Length && text[i + 1] == '{') { output?.Append('{'); i++; continue; }
                var end = text.IndexOf('}', i + 1);
                if (end < 0) return (i, "'{' has no closing '}' (write {{ for a literal brace)");
                var name = text[(i + 1)..end];
                if (!IsName(name)) return (i, $"'{{{name}}}' is not a placeholder: names are letters, digits and '_'");
                output?.Append(value(name));
                i = end;
                continue;
            }
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}') { output?.Append('}'); i++; continue; }
                return (i, "'}' closes nothing (write }} for a literal brace)");
            }
            output?.Append(c);
        }
        return null;
    }

    private static bool IsName(string s) =>
        s.Length is > 0 and <= 40 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    private static Problem At(string text, int index, string reason)
    {
        var line = 1 + text[..index].Count(ch => ch == '\n');
        var column = index - (index == 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1) + 1;
        return new Problem(line, column, reason);
    }
}
