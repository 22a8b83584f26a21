using System.Text;
using System.Text.Json;
using Gateway.App.Features.Privacy;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Privacy;

/// <summary>
/// A resident's request, as an admin handles it: the export holds their messages both ways, their conversation's notes,
/// their notice and their language (said to be sensitive) and nothing of another resident; the erasure leaves neither
/// their number nor their words in any table, audits that it happened without the number, keeps the reports' figures,
/// and the next message from the number starts a new resident. Officials are refused.
/// </summary>
public sealed class ResidentRequestTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;
    private PrivacyScenario _scenario = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(output);
        _scenario = new PrivacyScenario(_host);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ResidentRequests Requests => _host.Get<ResidentRequests>();

    [Fact]
    public async Task The_export_holds_everything_about_the_resident_and_nothing_of_another()
    {
        var a = await _scenario.ResidentWritesAsync("+84912000201", "ma-a-201", resolve: false, language: "hnj");
        var b = await _scenario.ResidentWritesAsync("+84912000202", "ma-b-202", resolve: false, language: "tyz");
        await _scenario.NoticeAsync();

        var (json, problem) = await Requests.ExportAsync(PrivacyScenario.Admin, "0912 000 201", "json");
        Assert.Null(problem);
        var text = Encoding.UTF8.GetString(json!.Body);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(a.Urn, root.GetProperty("address").GetString());
        Assert.Equal("hnj", root.GetProperty("resident").GetProperty("language").GetString());
        Assert.Contains("nhạy cảm", root.GetProperty("sensitiveNote").GetString());
        Assert.Contains("resident.language", root.GetProperty("sensitiveFields").EnumerateArray().Select(x => x.GetString()));
        var messages = root.GetProperty("messages").EnumerateArray().ToList();
        Assert.Contains(messages, m => m.GetProperty("direction").GetString() == "in" && m.GetProperty("text").GetString() == a.Question);
        Assert.Contains(messages, m => m.GetProperty("direction").GetString() == "out" && m.GetProperty("text").GetString() == a.Reply);
        Assert.Contains(root.GetProperty("conversationEvents").EnumerateArray(), e => e.GetProperty("detail").GetString() == a.Note);
        Assert.Single(root.GetProperty("conversations").EnumerateArray());
        Assert.Contains("thôn Đồng Bến", Assert.Single(root.GetProperty("noticeDeliveries").EnumerateArray()).GetProperty("text").GetString());
        Assert.Contains(root.GetProperty("auditMentions").EnumerateArray(), x => x.GetProperty("target").GetString() == $"conversation:{a.Conversation.Id}");
        foreach (var other in new[] { b.Phone, b.Phone[3..], b.Question, b.Reply, b.Note, "tyz", b.Conversation.Id })
            Assert.DoesNotContain(other, text);

        var (csv, _) = await Requests.ExportAsync(PrivacyScenario.Admin, a.Urn, "csv");
        var lines = Encoding.UTF8.GetString(csv!.Body).Split("\r\n");
        Assert.Equal(PersonalDataCsv.Header, lines[0]);
        Assert.StartsWith("note,", lines[1]);
        Assert.Contains("sensitive", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("resident,", StringComparison.Ordinal) && l.Contains(",hnj,"));
        Assert.Contains(lines, l => l.StartsWith("message,", StringComparison.Ordinal) && l.Contains(a.Question));
        Assert.DoesNotContain(lines, l => l.Contains(b.Question) || l.Contains(b.Phone));

        var audit = await _host.QueryAsync<(string Target, string Outcome, string? Detail)>(
            "SELECT target, outcome, detail FROM audit_log WHERE action = 'resident.export' ORDER BY id");
        Assert.Equal(2, audit.Count);
        Assert.All(audit, x => Assert.Equal(($"resident:{a.Conversation.ResidentId}", "ok"), (x.Target, x.Outcome)));
        Assert.Empty((await _scenario.RowsContainingAsync("000201")).Where(r => r.StartsWith("audit_log", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_erasure_leaves_neither_number_nor_words_anywhere_keeps_the_figures_and_the_number_starts_afresh()
    {
        var a = await _scenario.ResidentWritesAsync("+84912000301", "ma-a-301", resolve: true, language: "hnj");
        var b = await _scenario.ResidentWritesAsync("+84912000302", "ma-b-302", resolve: false);
        var notice = await _scenario.NoticeAsync();
        var figures = await _scenario.FiguresAsync(notice);

        var (outcome, problem) = await Requests.EraseAsync(PrivacyScenario.Admin, "+84 912 000 301");

        Assert.Null(problem);
        Assert.Equal((1, 1), (outcome!.Conversations, outcome.Deliveries));
        Assert.True(outcome.Messages >= 3, $"{outcome.Messages} messages"); // question, acknowledgement, reply
        foreach (var needle in new[] { "912000301", a.Question, a.Reply, a.Note, "ma-a-301" })
            Assert.Empty(await _scenario.RowsContainingAsync(needle));
        Assert.Empty(await _host.QueryAsync<string>("SELECT id FROM residents WHERE id = @ResidentId AND (language IS NOT NULL OR commune_code IS NOT NULL)", a.Conversation));
        Assert.Empty(await _host.QueryAsync<string>("SELECT urn FROM resident_addresses WHERE resident_id = @ResidentId", a.Conversation));
        Assert.NotEmpty(await _scenario.RowsContainingAsync(b.Question));
        Assert.NotEmpty(await _scenario.RowsContainingAsync("912000302"));
        Assert.Equal(figures, await _scenario.FiguresAsync(notice));

        var erased = Assert.Single(await _host.QueryAsync<(string Actor, string Target, string Outcome, string Detail)>(
            "SELECT actor, target, outcome, detail FROM audit_log WHERE action = 'resident.erase'"));
        Assert.Equal(("quantri", $"resident:{a.Conversation.ResidentId}", "ok"), (erased.Actor, erased.Target, erased.Outcome));
        Assert.StartsWith("conversations=1 ", erased.Detail);

        // Asking again finds nothing held; the number writing again is somebody new.
        Assert.Equal(404, (await Requests.EraseAsync(PrivacyScenario.Admin, a.Phone)).Problem!.Status);
        await _host.ReceiveAsync("Tôi hỏi lại ma-moi-301", a.Phone, GatewayTestHost.LienSonChannel);
        var fresh = (await _host.ResidentAsync(a.Urn))!;
        Assert.NotEqual(a.Conversation.ResidentId, fresh.Id);
        var conversation = Assert.Single(await _host.ConversationsAsync(a.Urn));
        Assert.Equal(fresh.Id, conversation.ResidentId);
        Assert.NotEqual(a.Conversation.TrackingCode, conversation.TrackingCode);
    }

    [Fact]
    public async Task Officials_are_refused_and_audited_and_bad_input_is_a_clear_400()
    {
        await _scenario.ResidentWritesAsync("+84912000401", "ma-a-401", resolve: false);
        var province = new Gateway.App.Features.Auth.Official("o-pt", "phutho", "Sở", Gateway.App.Features.Auth.Official.ProvinceRole, null, "25");
        foreach (var official in new[] { PrivacyScenario.Officer, province })
            foreach (var action in new[] { "resident.export", "resident.erase" })
                Assert.Equal(403, (await Requests.RefuseUnlessAdminAsync(official, action))!.Status);
        Assert.Null(await Requests.RefuseUnlessAdminAsync(PrivacyScenario.Admin, "resident.export"));
        Assert.Equal(4, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'resident.%' AND outcome = 'denied' AND target IS NULL"));

        Assert.Equal(400, (await Requests.ExportAsync(PrivacyScenario.Admin, "not a number", "json")).Problem!.Status);
        Assert.Equal(400, (await Requests.EraseAsync(PrivacyScenario.Admin, "")).Problem!.Status);
        Assert.Equal(404, (await Requests.ExportAsync(PrivacyScenario.Admin, "0987 654 321", "json")).Problem!.Status);
        Assert.NotEmpty(await _scenario.RowsContainingAsync("ma-a-401"));
    }
}
