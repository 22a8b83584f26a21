using Gateway.App.Features.Audit;
using Gateway.App.Features.Privacy;
using Gateway.App.Infrastructure;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Privacy;

/// <summary>
/// The retention job on a controlled clock, in chunks of 2 rows: past each kind's period the texts and addresses are
/// anonymised, what is younger (or still open) is kept, and the dashboard and the notice report give the same figures.
/// A clock jump past the parked interval also wakes the job's own loop: both pick their chunks under the write lock,
/// so the tests check the rows, not how many each pass did.
/// </summary>
public sealed class RetentionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    private PrivacyScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(output, settings: new Dictionary<string, string?> { ["Privacy:Retention:ChunkSize"] = "2" });
        _scenario = new PrivacyScenario(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<RetentionJob.Pass> RunAsync() => _host.Get<RetentionJob>().RunAsync();

    [Fact]
    public async Task Past_each_period_texts_and_addresses_are_anonymised_and_the_reports_give_the_same_figures()
    {
        var resolved = await _scenario.ResidentWritesAsync("+84912000101", "ma-cu-1", resolve: true);
        var resolved2 = await _scenario.ResidentWritesAsync("+84912000102", "ma-cu-2", resolve: true);
        var open = await _scenario.ResidentWritesAsync("+84912000103", "ma-mo-3", resolve: false);
        var notice = await _scenario.NoticeAsync();
        await _host.Get<AuditLog>().WriteAsync("lienson", "auth.login", "address:203.0.113.7", "denied", "form from 203.0.113.7: wrong password");

        // A year and a day: the notice's addresses are past their period, the conversations and audit are not.
        _host.Time.Advance(TimeSpan.FromDays(366));
        var figures = await _scenario.FiguresAsync(notice);
        await RunAsync();
        Assert.Equal(3, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE anonymised_at IS NOT NULL"));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE anonymised_at IS NOT NULL"));
        Assert.Empty(await _host.QueryAsync<string>("SELECT urn FROM notice_deliveries WHERE urn NOT LIKE 'erased:%' OR resident_id NOT LIKE 'erased:%'"));
        Assert.NotEmpty(await _scenario.RowsContainingAsync("ma-cu-1"));
        Assert.Equal(figures, await _scenario.FiguresAsync(notice));

        // Two years after resolution: the resolved conversations go, the open one stays.
        _host.Time.Advance(TimeSpan.FromDays(366));
        figures = await _scenario.FiguresAsync(notice);
        await RunAsync();
        Assert.Equal(2, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM conversations WHERE anonymised_at IS NOT NULL"));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE anonymised_at IS NOT NULL"));
        foreach (var r in new[] { resolved, resolved2 })
        {
            Assert.Empty(await _host.QueryAsync<string>("SELECT id FROM messages WHERE urn = @Urn", r));
            Assert.Empty(await _host.QueryAsync<string>("SELECT id FROM conversations WHERE urn = @Urn", r));
            var texts = await _host.QueryAsync<string>("SELECT text FROM messages WHERE conversation_id = @Id", r.Conversation);
            Assert.NotEmpty(texts);
            Assert.All(texts, t => Assert.Equal(Anonymised.Text, t));
            foreach (var words in new[] { r.Question, r.Reply, r.Note })
                Assert.DoesNotContain(await _scenario.RowsContainingAsync(words), row => !row.StartsWith("residents", StringComparison.Ordinal));
            Assert.Null((await _host.QueryAsync<string?>("SELECT search_text FROM conversations WHERE id = @Id", r.Conversation)).Single());
        }
        Assert.Contains(await _scenario.RowsContainingAsync(open.Question), row => row.StartsWith("messages.text", StringComparison.Ordinal));
        Assert.Contains(await _scenario.RowsContainingAsync(open.Note), row => row.StartsWith("conversation_events.detail", StringComparison.Ordinal));
        Assert.Equal(figures, await _scenario.FiguresAsync(notice));

        // Five years: the audit details (and a sign-in's client address) go; who did what, when, stays.
        _host.Time.Advance(TimeSpan.FromDays(3 * 366));
        var auditRows = await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log");
        await _host.Get<AuditLog>().WriteAsync("quantri", "account.create", "official:moi", "ok", "commune 04960 (25)");
        await RunAsync();
        Assert.Empty(await _scenario.RowsContainingAsync("203.0.113.7"));
        Assert.Equal(auditRows, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE detail IS NULL AND anonymised_at IS NOT NULL"));
        Assert.Equal("commune 04960 (25)", await _host.ScalarAsync<string>("SELECT detail FROM audit_log WHERE target = 'official:moi'"));
        Assert.Equal(1, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND target = 'address:erased' AND outcome = 'denied'"));

        // Nothing is left to do: a pass finds nothing, and the open conversation's words are still there.
        Assert.Equal(0, (await RunAsync()).Total);
        Assert.NotEmpty(await _scenario.RowsContainingAsync(open.Question));
    }

    [Fact]
    public async Task A_period_of_zero_keeps_that_kind_and_a_message_outside_any_conversation_goes_with_the_conversations()
    {
        await using var host = await GatewayTestHost.StartAsync(output, settings: new Dictionary<string, string?>
        {
            ["Privacy:Retention:Notices"] = "00:00:00", ["Privacy:Retention:Audit"] = "00:00:00",
        });
        var scenario = new PrivacyScenario(host);
        await scenario.ResidentWritesAsync("+84912000108", "ma-tb-8", resolve: false);
        // A resident of no known commune on the plain simulator: the gateway asks which commune, outside any conversation.
        await host.ReceiveAsync("Cho tôi hỏi ma-ngoai-9", "+84912000109");
        var prompts = await host.QueryAsync<string>("SELECT id FROM messages WHERE urn = 'tel:+84912000109' AND direction = 'out' AND conversation_id IS NULL");
        Assert.NotEmpty(prompts);
        await scenario.NoticeAsync();
        host.Time.Advance(TimeSpan.FromDays(10 * 366));

        await host.Get<RetentionJob>().RunAsync();

        foreach (var id in prompts)
        {
            var prompt = await host.MessageAsync(id);
            Assert.Equal((Anonymised.Text, Anonymised.Urn(id)), (prompt.Text, prompt.Urn));
        }
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM notice_deliveries WHERE anonymised_at IS NOT NULL OR urn LIKE 'erased:%'"));
        Assert.NotEmpty(await host.QueryAsync<string>("SELECT urn FROM notice_deliveries WHERE urn = 'tel:+84912000108'"));
        Assert.Equal(0, await host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE anonymised_at IS NOT NULL"));
        Assert.Equal(0, (await host.Get<RetentionJob>().RunAsync()).Total);
    }
}
