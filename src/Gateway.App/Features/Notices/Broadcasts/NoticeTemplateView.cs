using Gateway.App.Features.Notices.Templates;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>The little the broadcast pages read of a template: its title and its typed variables, in one place.</summary>
public static class NoticeTemplateView
{
    public sealed record Variable(string Name, string Type);

    public static string Title(NoticeTemplate t) => string.IsNullOrWhiteSpace(t.Title) ? t.Key : t.Title;

    /// <summary>Types: <c>commune</c>, <c>date</c>, <c>time</c>, <c>money</c>, <c>number</c>; anything else is text.</summary>
    public static IEnumerable<Variable> Variables(NoticeTemplate t) =>
        t.Variables.Select(v => new Variable(v.Name, (v.Type ?? "text").Trim().ToLowerInvariant()));
}
