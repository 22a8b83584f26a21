using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Routing;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Routing;

/// <summary><c>KT &lt;tracking code&gt;</c>: the resident learns where their own question stands, and nothing about anyone else's.</summary>
public sealed class StatusQueryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Neighbour = "+84912000777";
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ConversationStore Store => _host.Get<ConversationStore>();

    /// <summary>The resident asks Xã Liên Sơn a question: the conversation and its tracking code.</summary>
    private async Task<Gateway.App.Features.Inbox.ConversationRow> AskAsync()
    {
        await _host.ReceiveAsync("Cho hỏi về trợ cấp người cao tuổi", channelKey: LienSonChannel);
        var opened = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        return (await Store.FindAsync(Guid.Parse(opened.Id)))!;
    }

    /// <summary>Sends <paramref name="text"/> and returns the gateway's one answer to it (and checks it was a keyword).</summary>
    private async Task<string> AnswerAsync(string text, string from = ResidentPhone)
    {
        var urn = Gateway.Channels.Urn.Phone(from).ToString();
        var before = (await _host.MessagesAsync(urn, "out")).Count;
        var id = await _host.ReceiveAsync(text, from, LienSonChannel);
        var message = await _host.MessageAsync(id);
        Assert.Equal("keyword", message.Status);
        Assert.Null(message.ConversationId);
        var answers = (await _host.MessagesAsync(urn, "out")).Skip(before).ToList();
        var answer = Assert.Single(answers);
        Assert.Equal("ack", answer.Kind);
        Assert.Null(answer.ConversationId);
        return answer.Text;
    }

    [Fact]
    public async Task Should_tell_the_owner_received_then_being_handled_then_resolved()
    {
        var row = await AskAsync();
        var code = row.TrackingCode;

        Assert.Equal($"Mã {code}: đã tiếp nhận, đang chờ cán bộ trả lời.", await AnswerAsync($"kt {code.ToLowerInvariant()}"));

        await Store.AssignAsync(row, "official1", "chutich");
        Assert.Equal($"Mã {code}: cán bộ đang xử lý yêu cầu của bạn.", await AnswerAsync($"KT {code.Replace("-", "")}"));

        await Store.AssignAsync(row, null, "chutich");
        Assert.StartsWith($"Mã {code}: đã tiếp nhận", await AnswerAsync($"KT {code}"));
        await _host.Get<SendReply>().SendAsync(row, "Chào bác, xã đang kiểm tra hồ sơ.", "official1", null);
        await _host.SettledAsync();
        Assert.Equal($"Mã {code}: cán bộ đang xử lý yêu cầu của bạn.", await AnswerAsync($"Kt: {code.ToLowerInvariant().Replace("-", " ")}"));

        await Store.SetStatusAsync(row, ConversationStatus.Resolved, "official1");
        Assert.Equal($"Mã {code}: đã trả lời và giải quyết xong. Cần hỏi thêm, hãy nhắn tin mới.", await AnswerAsync($"KT {code}"));

        // None of the KT messages reached the commune: the conversation holds only the question (and the reply).
        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(ConversationStatus.Resolved, conversation.Status);
        var inbound = (await Store.MessagesAsync(Guid.Parse(row.Id))).Where(m => m.Direction == "in").ToList();
        Assert.Equal("Cho hỏi về trợ cấp người cao tuổi", Assert.Single(inbound).Text);
    }

    [Fact]
    public async Task Should_answer_another_residents_code_exactly_as_an_unknown_code()
    {
        var row = await AskAsync();
        await Store.AssignAsync(row, "official1", "chutich");
        const string unknown = "8FRD-MNUX";
        Assert.NotEqual(unknown, row.TrackingCode);

        var forTheirs = await AnswerAsync($"KT {row.TrackingCode}", from: Neighbour);
        var forUnknown = await AnswerAsync($"KT {unknown}", from: Neighbour);

        Assert.Equal($"Không tìm thấy mã {row.TrackingCode}. Kiểm tra mã trong tin xác nhận rồi nhắn: KT mã", forTheirs);
        Assert.Equal(forUnknown.Replace(unknown, "#"), forTheirs.Replace(row.TrackingCode, "#"));
        // The neighbour's KT opened nothing, though their channel has a default commune to route to.
        Assert.Empty(await _host.ConversationsAsync(Gateway.Channels.Urn.Phone(Neighbour).ToString()));
    }

    [Fact]
    public async Task Should_not_open_a_conversation_for_a_KT_message()
    {
        Assert.Equal(Prompts.Status(StatusQuery.State.NotFound, "8FRD-MNUX"), await AnswerAsync("kt 8frd-mnux"));

        Assert.Empty(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_answer_in_the_residents_language_once_a_translation_is_approved()
    {
        var row = await AskAsync();
        var store = _host.Get<TemplateStore>();
        await store.PutTranslationAsync(StatusQuery.ReceivedTemplate, "hnj", "HNJ-TEST {ma}", null, "translator1");
        Assert.Equal(TemplateChange.Done, await store.ApproveAsync(StatusQuery.ReceivedTemplate, "hnj", "reviewer2"));
        await AnswerAsync("NN Mông");

        Assert.Equal($"HNJ-TEST {row.TrackingCode}", await AnswerAsync($"KT {row.TrackingCode}"));
    }

    [Theory]
    [InlineData("KT 8FRD-MNUX", "8FRD-MNUX")]
    [InlineData("kt 8frd-mnux", "8FRD-MNUX")]
    [InlineData("KT 8FRDMNUX", "8FRD-MNUX")]
    [InlineData("kt8frdmnux", "8FRD-MNUX")]
    [InlineData("Kt: 8frd mnux.", "8FRD-MNUX")]
    [InlineData("  KT  8FRD_MNUX ", "8FRD-MNUX")]
    public void Should_read_the_code_however_it_is_typed(string text, string code)
    {
        Assert.True(Keywords.TryStatusQuery(text, out var read));
        Assert.Equal(code, read);
    }

    [Theory]
    [InlineData("KT")]
    [InlineData("kt giúp tôi hồ sơ đất")]
    [InlineData("kt tien dien")]       // 8 letters, but 'i' is never in a tracking code: a question
    [InlineData("KT 8FRD-MNUX xin cảm ơn")]
    [InlineData("8FRD-MNUX")]
    [InlineData("DK 8FRD-MNUX")]
    public void Should_leave_questions_that_are_not_a_status_query(string text) =>
        Assert.False(Keywords.TryStatusQuery(text, out _));

    [Fact]
    public async Task Should_route_a_question_that_starts_with_kt_to_the_commune()
    {
        var id = await _host.ReceiveAsync("kt giúp tôi hồ sơ đất", channelKey: LienSonChannel);

        Assert.Equal("routed", (await _host.MessageAsync(id)).Status);
        Assert.Single(await _host.ConversationsAsync(ResidentUrn));
    }
}
