using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Notices.Templates;

public sealed class TemplatesOptions
{
    public const string Section = "Notices";
    /// <summary>The folder of shared templates; relative paths are taken from the app's folder (the build copies <c>templates/</c> there).</summary>
    public string TemplatesPath { get; set; } = "templates";
}

/// <summary>
/// At start-up: reads and checks every file under <c>templates/</c>; any problem stops the host with the file,
/// line and reason of each. Valid templates whose key is new are added to the database.
/// </summary>
public sealed class TemplateLoader(TemplateStore store, IOptions<TemplatesOptions> options, ILogger<TemplateLoader> logger)
{
    public string Folder => Path.IsPathRooted(options.Value.TemplatesPath)
        ? options.Value.TemplatesPath
        : Path.Combine(AppContext.BaseDirectory, options.Value.TemplatesPath);

    public async Task LoadAsync()
    {
        var (templates, problems) = TemplateFiles.LoadFolder(Folder);
        if (problems.Count > 0)
            throw new InvalidOperationException($"Notice templates in {Folder} have {problems.Count} problem(s):\n  " + string.Join("\n  ", problems));
        if (!System.IO.Directory.Exists(Folder)) logger.LogWarning("No notice templates folder at {Folder}", Folder);
        var added = await store.SeedAsync(templates);
        logger.LogInformation("Notice templates: {Count} in {Folder}, {Added} new", templates.Count, Folder, added);
    }
}
