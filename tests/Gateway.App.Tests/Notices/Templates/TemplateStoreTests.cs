using Gateway.App.Features.Notices.Templates;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Notices.Templates;

/// <summary>Translations in the database: the two-person rule, and staleness when the Vietnamese text changes.</summary>
public sealed class TemplateStoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private TemplateStore Store => _host.Get<TemplateStore>();

    [Fact]
    public async Task Should_seed_the_shipped_templates_once_and_keep_later_edits()
    {
        var before = await Store.FindAsync("tiem-chung");
        Assert.NotNull(before);
        await Store.PutTranslationAsync("tiem-chung", "vi", "UBND {xa}: tiêm chủng {ngay} {gio} {dia_diem}.", null, "phutho");

        await _host.Get<TemplateLoader>().LoadAsync(); // a restart reads the folder again

        var after = await Store.FindAsync("tiem-chung");
        Assert.Equal("UBND {xa}: tiêm chủng {ngay} {gio} {dia_diem}.", after!.Translation("vi")!.Sms);
        Assert.Equal(before!.VietnameseVersion + 1, after.VietnameseVersion);
    }

    [Fact]
    public async Task Should_need_a_second_officer_and_stale_translations_when_the_vietnamese_text_changes()
    {
        await Store.PutTranslationAsync("canh-bao-sat-lo", "hnj", "Ceeb toom {xa} {ngay} {khu_vuc}.", null, "translator1");
        var draft = await Store.FindAsync("canh-bao-sat-lo");
        Assert.Equal(TranslationState.Draft, draft!.Translation("hnj")!.State);
        Assert.False(draft.IsSendable("hnj"));

        Assert.Equal(TemplateChange.SameOfficer, await Store.ApproveAsync("canh-bao-sat-lo", "hnj", "translator1"));
        Assert.Equal(TemplateChange.Done, await Store.ApproveAsync("canh-bao-sat-lo", "hnj", "reviewer2"));
        Assert.True((await Store.FindAsync("canh-bao-sat-lo"))!.IsSendable("hnj"));

        await Store.PutTranslationAsync("canh-bao-sat-lo", "vi", "UBND {xa}: từ {ngay} nguy cơ sạt lở tại {khu_vuc}.", null, "phutho");

        var edited = await Store.FindAsync("canh-bao-sat-lo");
        Assert.True(edited!.Translation("hnj")!.Stale);
        Assert.False(edited.IsSendable("hnj"));
        Assert.Equal(TemplateChange.Stale, await Store.ApproveAsync("canh-bao-sat-lo", "hnj", "reviewer2"));
        var rendered = TemplateRenderer.Render(edited, "hnj", new Dictionary<string, string> { ["xa"] = "04960", ["ngay"] = "2026-12-10", ["khu_vuc"] = "bản Mường" },
            Gateway.App.Features.Directory.CommuneDirectory.Default);
        Assert.Equal(("vi", true), (rendered.Language, rendered.Fallback));
    }
}
