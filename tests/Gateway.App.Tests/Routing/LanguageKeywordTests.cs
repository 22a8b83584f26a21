using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Routing;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Routing;

/// <summary><c>NN &lt;language&gt;</c>: a resident chooses the language of their notices, by name or code, any case or diacritics.</summary>
public sealed class LanguageKeywordTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string?> LanguageAsync() => (await _host.QueryAsync<string?>(
        "SELECT r.language FROM residents r JOIN resident_addresses a ON a.resident_id = r.id WHERE a.urn = @urn", new { urn = ResidentUrn })).Single();

    [Theory]
    [InlineData("NN Mông", "hnj")]
    [InlineData("nn tay", "tyz")]
    [InlineData("NN km", "km")]
    [InlineData("Nn  Ê Đê", "rad")]
    public async Task Should_set_the_residents_language_and_confirm_in_vietnamese_without_an_approved_translation(string text, string code)
    {
        var id = await _host.ReceiveAsync(text);

        Assert.Equal(code, await LanguageAsync());
        Assert.Equal("keyword", (await _host.MessageAsync(id)).Status);
        var answer = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.StartsWith("Đã ghi nhận ngôn ngữ của bạn:", answer.Text);
        Assert.Empty(await _host.ConversationsAsync(ResidentUrn)); // a keyword, not a question for the commune
    }

    [Fact]
    public async Task Should_confirm_in_the_residents_language_once_a_translation_is_approved()
    {
        var store = _host.Get<TemplateStore>();
        await store.PutTranslationAsync(RouteInboundMessageConsumer.LanguageConfirmationTemplate, "hnj", "HNJ-TEST {language}", null, "translator1");
        Assert.Equal(TemplateChange.Done, await store.ApproveAsync(RouteInboundMessageConsumer.LanguageConfirmationTemplate, "hnj", "reviewer2"));

        await _host.ReceiveAsync("nn hmong");

        var answer = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.StartsWith("HNJ-TEST", answer.Text);
    }

    [Fact]
    public async Task Should_say_how_when_the_language_is_unknown_and_change_nothing()
    {
        await _host.ReceiveAsync("NN klingon");

        Assert.Null(await LanguageAsync());
        Assert.Equal(Prompts.LanguageUnknown, Assert.Single(await _host.MessagesAsync(ResidentUrn, "out")).Text);
    }
}
