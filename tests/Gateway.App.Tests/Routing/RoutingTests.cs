using Gateway.App.Features.Directory;
using Gateway.App.Features.Routing;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Routing;

/// <summary>
/// A resident's text reaches the right commune inbox: registered commune first, then a named commune (<c>DK …</c>,
/// or the answer to our question), then the channel's default, else we ask and hold the message.
/// </summary>
public sealed class RoutingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_ask_a_new_resident_for_their_commune_and_hold_the_message()
    {
        var id = await _host.ReceiveAsync("Cho hỏi thủ tục làm giấy khai sinh cho con?");

        var message = await _host.MessageAsync(id);
        Assert.Equal("held", message.Status);
        Assert.Null(message.ConversationId);

        var prompt = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.Equal("prompt", prompt.Kind);
        Assert.Equal(Prompts.AskCommune, prompt.Text);
        Assert.Equal(Simulator, prompt.ChannelKey);
        Assert.Contains(prompt.Status, new[] { "queued", "sent", "delivered" });

        var resident = await _host.ResidentAsync(ResidentUrn);
        Assert.NotNull(resident);
        Assert.Equal(1, resident.AwaitingCommune);
        Assert.Null(resident.CommuneCode);
        Assert.Empty(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_hold_a_second_question_with_the_first_and_ask_again()
    {
        var first = await _host.ReceiveAsync("Cho hỏi thủ tục làm giấy khai sinh?");
        var second = await _host.ReceiveAsync("Và cả thủ tục đăng ký thường trú nữa");

        Assert.Equal("held", (await _host.MessageAsync(first)).Status);
        Assert.Equal("held", (await _host.MessageAsync(second)).Status);
        var prompts = await _host.MessagesAsync(ResidentUrn, "out");
        Assert.Equal(2, prompts.Count);
        Assert.All(prompts, p => Assert.Equal(Prompts.AskCommune, p.Text));
    }

    [Theory]
    [InlineData("DK Cư Yên")]       // the old (pre-2025) Xã Cư Yên, Lương Sơn, Hòa Bình → now Xã Liên Sơn, Phú Thọ
    [InlineData("dk cu yen")]       // the same, typed without diacritics
    [InlineData("xã Cư Yên")]       // an answer to our question needs no keyword
    public async Task Should_route_held_messages_when_the_resident_names_an_unambiguous_commune(string answer)
    {
        var first = await _host.ReceiveAsync("Cho hỏi thủ tục làm giấy khai sinh?");
        var second = await _host.ReceiveAsync("Con tôi sinh ngày 3/11");
        var reply = await _host.ReceiveAsync(answer);

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(LienSon, conversation.CommuneCode);
        Assert.Equal("25", conversation.ProvinceCode);
        Assert.Equal("open", conversation.Status);
        Assert.Matches("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$", conversation.TrackingCode);

        foreach (var held in new[] { first, second })
        {
            var m = await _host.MessageAsync(held);
            Assert.Equal("routed", m.Status);
            Assert.Equal(conversation.Id, m.ConversationId);
        }
        Assert.Equal("keyword", (await _host.MessageAsync(reply)).Status);

        var resident = await _host.ResidentAsync(ResidentUrn);
        Assert.Equal(LienSon, resident!.CommuneCode);
        Assert.Equal(0, resident.AwaitingCommune);
        Assert.Null(resident.PendingChoices);

        var ack = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"), m => m.Kind == "ack");
        Assert.Equal(conversation.Id, ack.ConversationId);
        Assert.Contains(conversation.TrackingCode, ack.Text);
    }

    [Fact]
    public async Task Should_offer_choices_for_an_ambiguous_name_and_accept_a_number()
    {
        var question = await _host.ReceiveAsync("Xin hỏi lịch tiêm chủng tháng này");
        await _host.ReceiveAsync("DK Liên Sơn");

        var asked = await _host.ResidentAsync(ResidentUrn);
        var choices = asked!.PendingChoices!.Split(',');
        Assert.Equal(2, choices.Length);
        Assert.Contains(LienSon, choices);
        Assert.Equal(1, asked.AwaitingCommune);
        Assert.Equal("held", (await _host.MessageAsync(question)).Status);
        Assert.Empty(await _host.ConversationsAsync(ResidentUrn));

        var offer = (await _host.MessagesAsync(ResidentUrn, "out")).Last();
        Assert.Equal("prompt", offer.Kind);
        Assert.Contains("1) ", offer.Text);
        Assert.Contains("2) ", offer.Text);
        foreach (var code in choices) Assert.Contains(code, offer.Text);

        var pick = await _host.ReceiveAsync("2");

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(choices[1], conversation.CommuneCode);
        Assert.Equal(CommuneDirectory.Default.FindCommune(choices[1])!.ProvinceCode, conversation.ProvinceCode);
        Assert.Equal("keyword", (await _host.MessageAsync(pick)).Status);
        var routed = await _host.MessageAsync(question);
        Assert.Equal("routed", routed.Status);
        Assert.Equal(conversation.Id, routed.ConversationId);
        var resident = await _host.ResidentAsync(ResidentUrn);
        Assert.Equal(choices[1], resident!.CommuneCode);
        Assert.Null(resident.PendingChoices);
        Assert.Contains(await _host.MessagesAsync(ResidentUrn, "out"), m => m.Kind == "ack" && m.Text.Contains(conversation.TrackingCode));
    }

    [Fact]
    public async Task Should_ask_again_when_the_named_commune_is_unknown()
    {
        var question = await _host.ReceiveAsync("Cho hỏi về trợ cấp");
        await _host.ReceiveAsync("DK Xyzabc");

        Assert.Equal("held", (await _host.MessageAsync(question)).Status);
        var last = (await _host.MessagesAsync(ResidentUrn, "out")).Last();
        Assert.Equal("prompt", last.Kind);
        Assert.Equal(Prompts.NotFound("Xyzabc"), last.Text);
        Assert.Equal(1, (await _host.ResidentAsync(ResidentUrn))!.AwaitingCommune);
        Assert.Empty(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_route_to_the_residents_registered_commune()
    {
        await _host.AddResidentAsync(ResidentUrn, BanHo);

        // Through the channel whose default is Liên Sơn: the resident's own registration comes first.
        var id = await _host.ReceiveAsync("Đường vào bản bị sạt lở", channelKey: LienSonChannel);

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(BanHo, conversation.CommuneCode);
        Assert.Equal("15", conversation.ProvinceCode);
        Assert.Equal(LienSonChannel, conversation.ChannelKey);
        var message = await _host.MessageAsync(id);
        Assert.Equal("routed", message.Status);
        Assert.Equal(conversation.Id, message.ConversationId);
        var ack = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.Equal("ack", ack.Kind);
        Assert.Contains(conversation.TrackingCode, ack.Text);
        Assert.Equal(LienSonChannel, ack.ChannelKey);
    }

    [Fact]
    public async Task Should_use_the_channels_default_commune()
    {
        var id = await _host.ReceiveAsync("Cho hỏi giờ làm việc của xã", channelKey: LienSonChannel);

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(LienSon, conversation.CommuneCode);
        Assert.Equal("25", conversation.ProvinceCode);
        Assert.Equal("routed", (await _host.MessageAsync(id)).Status);
        var resident = await _host.ResidentAsync(ResidentUrn);
        Assert.Equal(0, resident!.AwaitingCommune);
        Assert.DoesNotContain(await _host.MessagesAsync(ResidentUrn, "out"), m => m.Kind == "prompt");
    }

    [Fact]
    public async Task Should_keep_a_residents_follow_up_in_the_same_conversation_without_a_second_ack()
    {
        await _host.AddResidentAsync(ResidentUrn, LienSon);
        var first = await _host.ReceiveAsync("Cho hỏi về hộ nghèo");
        var second = await _host.ReceiveAsync("Nhà tôi có 5 người");

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(conversation.Id, (await _host.MessageAsync(first)).ConversationId);
        Assert.Equal(conversation.Id, (await _host.MessageAsync(second)).ConversationId);
        Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"), m => m.Kind == "ack");
    }

    [Theory]
    [InlineData("HUY")]
    [InlineData("Hủy")]
    [InlineData("huỷ")]
    [InlineData("stop")]
    [InlineData("TC")]
    [InlineData("DUNG")]
    [InlineData("  Dừng ")]
    public async Task Should_opt_out_on_HUY_in_any_case_and_diacritics(string text)
    {
        await _host.AddResidentAsync(ResidentUrn, LienSon);

        var id = await _host.ReceiveAsync(text);

        Assert.Equal(1, (await _host.ResidentAsync(ResidentUrn))!.OptedOut);
        Assert.Equal("keyword", (await _host.MessageAsync(id)).Status);
        var ack = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.Equal("ack", ack.Kind);
        Assert.Equal(Prompts.OptedOut, ack.Text);
        Assert.Empty(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_not_opt_out_on_a_question_that_merely_contains_the_keyword()
    {
        await _host.AddResidentAsync(ResidentUrn, LienSon);

        await _host.ReceiveAsync("Hủy đăng ký kết hôn thì làm thế nào?");

        Assert.Equal(0, (await _host.ResidentAsync(ResidentUrn))!.OptedOut);
        Assert.Single(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_route_a_question_that_starts_with_dang_ky_to_the_registered_commune()
    {
        // "Đăng ký khai sinh" (register a birth) is everyday civil-status vocabulary, not a commune registration.
        await _host.AddResidentAsync(ResidentUrn, LienSon);

        var id = await _host.ReceiveAsync("Đăng ký khai sinh cho con thì cần giấy tờ gì ạ?");

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(LienSon, conversation.CommuneCode);
        var message = await _host.MessageAsync(id);
        Assert.Equal("routed", message.Status);
        Assert.Equal(conversation.Id, message.ConversationId);
        var resident = await _host.ResidentAsync(ResidentUrn);
        Assert.Equal(LienSon, resident!.CommuneCode);
        Assert.Equal(0, resident.AwaitingCommune);
    }

    [Fact]
    public async Task Should_not_process_a_redelivered_InboundMessageReceived_twice()
    {
        await _host.AddResidentAsync(ResidentUrn, LienSon);
        var id = await _host.ReceiveAsync("Cho hỏi về hộ nghèo");
        const string lastTouched = "SELECT MAX(c.last_message_at) + MAX(c.updated_at) + MAX(m.updated_at) FROM conversations c, messages m WHERE m.id = @id";
        var before = await _host.ScalarAsync<long>(lastTouched, new { id });
        _host.Time.Advance(TimeSpan.FromHours(1));

        // The broker delivers the same event again (a crash between publish and outbox delete does this).
        var again = new InboundMessageReceived(Guid.Parse(id), Simulator, _host.Get<ResidentKeys>().Of(ResidentUrn));
        await _host.Harness.Bus.Publish(again);
        await _host.Harness.Bus.Publish(again);
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id), count: 3);
        await _host.SettledAsync();

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(conversation.Id, (await _host.MessageAsync(id)).ConversationId);
        Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.Equal(before, await _host.ScalarAsync<long>(lastTouched, new { id })); // not even touched
    }

    [Fact]
    public async Task Should_not_acknowledge_a_redelivered_keyword_twice()
    {
        await _host.AddResidentAsync(ResidentUrn, LienSon);
        var id = await _host.ReceiveAsync("HUY");

        await _host.Harness.Bus.Publish(new InboundMessageReceived(Guid.Parse(id), Simulator, _host.Get<ResidentKeys>().Of(ResidentUrn)));
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id), count: 2);
        await _host.SettledAsync();

        Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
    }

    [Fact]
    public async Task Should_not_reroute_a_held_message_on_redelivery()
    {
        var id = await _host.ReceiveAsync("Cho hỏi về hộ nghèo");
        await _host.Harness.Bus.Publish(new InboundMessageReceived(Guid.Parse(id), Simulator, _host.Get<ResidentKeys>().Of(ResidentUrn)));
        await _host.ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id), count: 2);
        await _host.SettledAsync();

        Assert.Equal("held", (await _host.MessageAsync(id)).Status);
        Assert.Single(await _host.MessagesAsync(ResidentUrn, "out")); // asked once
    }
}
