using Gateway.App.Features.Directory;

namespace Gateway.App.Features.Notices.Templates;

/// <summary>The types a template variable can have; each renders its own way (see <see cref="TemplateRenderer"/>).</summary>
public static class VariableTypes
{
    public const string Text = "text", Date = "date", Time = "time", Money = "money", Number = "number", Commune = "commune";
    public static readonly string[] All = [Text, Date, Time, Money, Number, Commune];
}

/// <summary>A translation's review state; a translation of an older Vietnamese version is also <c>stale</c>.</summary>
public static class TranslationState
{
    public const string Draft = "draft", Approved = "approved";
}

public sealed record TemplateVariable(string Name, string Type);

/// <param name="SourceVersion">The version of the Vietnamese text this translates (for <c>vi</c>: its own version).</param>
public sealed record TemplateTranslation(string Language, string Sms, string? Zalo, string State, bool Stale, int SourceVersion, string? Translator, string? Approver);

/// <summary>
/// A notice template: typed variables and one body per language (a short SMS body, an optional longer Zalo body).
/// Shared templates (from <c>templates/</c>) have no province; those created through the API belong to one.
/// </summary>
public sealed record NoticeTemplate(string Key, string Title, string Category, string? ProvinceCode, IReadOnlyList<TemplateVariable> Variables,
    int VietnameseVersion, IReadOnlyList<TemplateTranslation> Translations, string? ZnsTemplateId, IReadOnlyDictionary<string, string>? ZnsParameters)
{
    public TemplateTranslation? Translation(string language) =>
        Translations.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase));

    /// <summary>Vietnamese always; another language only when approved and translating the current Vietnamese text.</summary>
    public bool IsSendable(string language) =>
        language == Languages.Vietnamese
            ? Translation(Languages.Vietnamese) is not null
            : Translation(language) is { State: TranslationState.Approved, Stale: false };
}
