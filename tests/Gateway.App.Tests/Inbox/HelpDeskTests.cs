using Gateway.App.Features.Auth;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Actions;
using Gateway.App.Features.Inbox.Canned;
using Gateway.App.Tests.Infrastructure;
using ConversationRow = Gateway.App.Features.Inbox.ConversationRow;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Inbox;

/// <summary>
/// Working the inbox on a real SQLite database: assignment and the tabs that follow it, categories, internal notes in
/// the timeline, escalation and its return, transfer with the resident told, unread markers, diacritics-insensitive
/// search, and canned replies scoped to the commune and the province.
/// </summary>
public sealed class HelpDeskTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string OtherCommune = "04792"; // Phường Tân Hoà, another commune of Phú Thọ (25)
    private static readonly Official LienSonOfficer = new("o-ls", "lienson", "Cán bộ Liên Sơn", Official.CommuneRole, LienSon, "25");
    private static readonly Official ProvinceOfficer = new("o-pt", "phutho", "Sở Phú Thọ", Official.ProvinceRole, null, "25");
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await GatewayTestHost.StartAsync(output);
        foreach (var o in new[] { LienSonOfficer, ProvinceOfficer })
            await _host.ExecuteAsync(
                "INSERT INTO officials (id, username, password_hash, display_name, role, commune_code, province_code, created_at) VALUES (@Id, @Username, 'x', @DisplayName, @Role, @CommuneCode, @ProvinceCode, 0)", o);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ConversationStore Store => _host.Get<ConversationStore>();
    private ConversationActions Actions => _host.Get<ConversationActions>();

    /// <summary>A resident of Liên Sơn writes (the sim-lienson channel routes there): their conversation.</summary>
    private async Task<ConversationRow> ConversationAsync(string text, string phone = ResidentPhone)
    {
        await _host.ReceiveAsync(text, phone, LienSonChannel);
        var id = await _host.ScalarAsync<string>("SELECT conversation_id FROM messages WHERE direction = 'in' AND text = @text", new { text });
        return (await Store.FindAsync(Guid.Parse(id)))!;
    }

    private Task<IReadOnlyList<ConversationRow>> ListAsync(string? tab = null, string? q = null, string me = "lienson") =>
        Store.ListAsync(new InboxQuery("25", LienSon, false, tab, q, me, 1, 50));

    [Fact]
    public async Task Assigning_moves_a_conversation_from_unassigned_to_mine_and_is_in_the_timeline_and_the_audit()
    {
        var row = await ConversationAsync("Xin hỏi thủ tục đăng ký khai sinh cho con");
        Assert.Contains(await ListAsync(InboxTabs.Unassigned), r => r.Id == row.Id);
        Assert.DoesNotContain(await ListAsync(InboxTabs.Mine), r => r.Id == row.Id);

        Assert.True((await Actions.AssignAsync(row, "lienson", ProvinceOfficer)).Ok);

        Assert.Contains(await ListAsync(InboxTabs.Mine), r => r.Id == row.Id);
        Assert.DoesNotContain(await ListAsync(InboxTabs.Unassigned), r => r.Id == row.Id);
        Assert.DoesNotContain(await ListAsync(InboxTabs.Mine, me: "phutho"), r => r.Id == row.Id);
        var refused = await Actions.AssignAsync(row, "banho", ProvinceOfficer);
        Assert.False(refused.Ok);
        Assert.Contains("banho", refused.Problem);
        var events = await _host.Get<ConversationEvents>().ListAsync(Guid.Parse(row.Id));
        Assert.Contains(events, e => e.Kind == ConversationEvents.Assign && e.Detail == "lienson" && e.Actor == "phutho");
        Assert.Equal(1L, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.assign' AND outcome = 'ok'"));
    }

    [Fact]
    public async Task Notes_and_categories_are_kept_in_the_timeline_and_never_sent_to_the_resident()
    {
        var row = await ConversationAsync("Đất nhà tôi bị lấn chiếm");
        var outBefore = await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out'");

        Assert.True((await Actions.AddNoteAsync(row, "Đã gọi điện cho trưởng thôn, chờ xác minh.", LienSonOfficer)).Ok);
        Assert.True((await Actions.SetCategoryAsync(row, ConversationCategory.Land, LienSonOfficer)).Ok);
        Assert.False((await Actions.SetCategoryAsync(row, "weather", LienSonOfficer)).Ok);
        Assert.False((await Actions.AddNoteAsync(row, "   ", LienSonOfficer)).Ok);

        Assert.Equal(outBefore, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out'"));
        var events = await _host.Get<ConversationEvents>().ListAsync(Guid.Parse(row.Id));
        Assert.Equal([ConversationEvents.Note, ConversationEvents.Category], events.Select(e => e.Kind));
        Assert.Equal(ConversationCategory.Land, (await Store.FindAsync(Guid.Parse(row.Id)))!.Category);
    }

    [Fact]
    public async Task Escalation_goes_to_the_province_and_only_a_province_officer_sends_it_back_with_an_instruction()
    {
        var row = await ConversationAsync("Cầu treo bị sập, cần hỗ trợ gấp");
        Assert.True((await Actions.EscalateAsync(row, "Vượt thẩm quyền xã", LienSonOfficer)).Ok);
        row = (await Store.FindAsync(Guid.Parse(row.Id)))!;
        Assert.NotNull(row.EscalatedAt);
        Assert.Contains(await Store.ListAsync(new InboxQuery("25", null, false, InboxTabs.Escalated, null, "phutho", 1, 50)), r => r.Id == row.Id);
        Assert.Equal(409, (await Actions.EscalateAsync(row, null, LienSonOfficer)).Status);

        Assert.Equal(403, (await Actions.ReturnAsync(row, "Xã tự xử lý", LienSonOfficer)).Status);
        Assert.Equal(400, (await Actions.ReturnAsync(row, " ", ProvinceOfficer)).Status);
        Assert.True((await Actions.ReturnAsync(row, "Xã phối hợp với huyện đội kiểm tra hiện trường", ProvinceOfficer)).Ok);

        row = (await Store.FindAsync(Guid.Parse(row.Id)))!;
        Assert.Null(row.EscalatedAt);
        var events = await _host.Get<ConversationEvents>().ListAsync(Guid.Parse(row.Id));
        Assert.Contains(events, e => e.Kind == ConversationEvents.Return && e.Detail == "Xã phối hợp với huyện đội kiểm tra hiện trường");
    }

    [Fact]
    public async Task A_transfer_moves_it_to_the_other_commune_keeps_the_tracking_code_and_tells_the_resident()
    {
        var row = await ConversationAsync("Hỏi về trợ cấp người cao tuổi");
        Assert.True((await Actions.AssignAsync(row, "lienson", LienSonOfficer)).Ok);
        row = (await Store.FindAsync(Guid.Parse(row.Id)))!;

        Assert.False((await Actions.TransferAsync(row, BanHo, null, LienSonOfficer)).Ok); // another province
        Assert.True((await Actions.TransferAsync(row, OtherCommune, "Người dân ở xã bên", LienSonOfficer)).Ok);

        var moved = (await Store.FindAsync(Guid.Parse(row.Id)))!;
        Assert.Equal(OtherCommune, moved.CommuneCode);
        Assert.Equal(row.TrackingCode, moved.TrackingCode);
        Assert.Null(moved.AssignedTo);
        var told = await _host.QueryAsync<string>("SELECT text FROM messages WHERE direction = 'out' AND conversation_id = @Id", new { row.Id });
        Assert.Contains(told, t => t.Contains(row.TrackingCode) && t.Contains("chuyển"));
        Assert.DoesNotContain(await ListAsync(), r => r.Id == row.Id); // no longer in Liên Sơn's inbox

        // The resident's next message goes to the conversation where it now is, not a new one.
        await _host.ReceiveAsync("Cảm ơn, tôi chờ tin", ResidentPhone, LienSonChannel);
        Assert.Equal(OtherCommune, (await Store.FindAsync(Guid.Parse(row.Id)))!.CommuneCode);
    }

    [Fact]
    public async Task A_new_message_is_unread_until_the_official_opens_the_conversation()
    {
        var row = await ConversationAsync("Đèn đường thôn 3 hỏng");
        Assert.True(Assert.Single(await ListAsync(), r => r.Id == row.Id).IsUnread);

        await Store.MarkReadAsync(row.Id, "lienson");
        Assert.False(Assert.Single(await ListAsync(), r => r.Id == row.Id).IsUnread);
        Assert.True(Assert.Single(await ListAsync(me: "phutho"), r => r.Id == row.Id).IsUnread); // unread is per official

        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.ReceiveAsync("Đã hai tuần rồi", ResidentPhone, LienSonChannel);
        Assert.True(Assert.Single(await ListAsync(), r => r.Id == row.Id).IsUnread);
    }

    [Theory]
    [InlineData("sat lo")]        // no diacritics
    [InlineData("SẠT LỞ")]        // other case
    [InlineData("sạt   lở")]      // spaces
    public async Task Search_finds_the_residents_words_whatever_the_diacritics(string query)
    {
        var landslide = await ConversationAsync("Đường lên bản bị sạt lở nặng", "+84912000111");
        var other = await ConversationAsync("Xin hỏi lịch tiêm chủng", "+84912000222");

        var found = await ListAsync(q: query);

        Assert.Contains(found, r => r.Id == landslide.Id);
        Assert.DoesNotContain(found, r => r.Id == other.Id);
    }

    [Fact]
    public async Task Search_takes_a_tracking_code_or_the_digits_of_a_number()
    {
        var a = await ConversationAsync("Câu hỏi một", "+84912000333");
        var b = await ConversationAsync("Câu hỏi hai", "+84912000444");

        Assert.Equal([a.Id], (await ListAsync(q: a.TrackingCode.ToLowerInvariant().Replace("-", ""))).Select(r => r.Id));
        Assert.Equal([b.Id], (await ListAsync(q: "0912 000 444")).Select(r => r.Id));
    }

    [Fact]
    public async Task Canned_replies_are_the_communes_own_and_the_provinces_and_each_edits_only_their_own()
    {
        var canned = _host.Get<CannedReplyStore>();
        var mine = await canned.CreateAsync(LienSonOfficer, "Mang giấy tờ", "Mời ông/bà mang CCCD đến UBND xã vào giờ hành chính.");
        var province = await canned.CreateAsync(ProvinceOfficer, "Đường dây nóng", "Gọi đường dây nóng của tỉnh: 1022.");
        var row = await ConversationAsync("Tôi cần làm giấy xác nhận");

        var offered = await canned.ListForAsync(LienSonOfficer, row);
        Assert.Equal(new[] { mine.Id, province.Id }.Order(), offered.Select(c => c.Id).Order());
        Assert.False(await canned.UpdateAsync(LienSonOfficer, province.Id, "x", "y"));
        Assert.False(await canned.DeleteAsync(ProvinceOfficer, mine.Id));
        Assert.True(await canned.UpdateAsync(LienSonOfficer, mine.Id, "Mang giấy tờ", "Mời mang CCCD và sổ hộ khẩu."));
        Assert.Equal("Mời mang CCCD và sổ hộ khẩu.", (await canned.FindForAsync(LienSonOfficer, row, mine.Id))!.Text);
    }
}
