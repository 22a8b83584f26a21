using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Deadlines;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;
using static Gateway.App.Tests.Inbox.Deadlines.WorkingCalendarTests;
using InboxRow = Gateway.App.Features.Inbox.ConversationRow;

namespace Gateway.App.Tests.Inbox.Deadlines;

/// <summary>
/// Conversations past a deadline are flagged once, and escalated to the province once, a working day later. The
/// test clock starts on Monday 23/11/2026 08:00 in Vietnam: the first reply is due at 14:00 (4 working hours, the
/// lunch break skipped), escalation comes on Tuesday at 14:00, the resolution is due on Thursday at 08:00.
/// </summary>
public sealed class OverdueEscalatorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Minute = 60_000, Hour = 60 * Minute;
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output);
    public async Task DisposeAsync() => await _host.DisposeAsync();

    private ConversationStore Store => _host.Get<ConversationStore>();

    private async Task<InboxRow> OpenAsync()
    {
        await _host.ReceiveAsync("Cho hỏi về trợ cấp người cao tuổi", channelKey: LienSonChannel);
        var opened = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        return await RowAsync(opened.Id);
    }

    private async Task<InboxRow> RowAsync(string id) => (await Store.FindAsync(Guid.Parse(id)))!;

    private Task<OverdueEscalator.Pass> CheckAsync() => _host.Hosted<OverdueEscalator>().CheckAsync();

    private void At(long ms) => _host.Time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(ms));

    private async Task<List<ConversationEvents.Event>> EventsAsync(string id, string kind) =>
        (await _host.Get<ConversationEvents>().ListAsync(Guid.Parse(id))).Where(e => e.Kind == kind).ToList();

    [Fact]
    public async Task Should_set_the_deadlines_when_the_conversation_opens_and_again_when_it_is_filed()
    {
        var row = await OpenAsync();
        Assert.Equal(Vn(2026, 11, 23, 8, 0), row.CreatedAt - row.CreatedAt % Minute); // the clock's start, give or take a few ms

        Assert.Equal(row.CreatedAt + 6 * Hour, row.FirstReplyDue);  // Monday 14:00
        Assert.Equal(row.CreatedAt + 72 * Hour, row.ResolveDue);    // Thursday 08:00

        await Store.SetCategoryAsync(row, ConversationCategory.Land, "official1");
        var filed = await RowAsync(row.Id);
        Assert.Equal(row.FirstReplyDue, filed.FirstReplyDue);
        Assert.Equal(row.CreatedAt + 14 * 24 * Hour, filed.ResolveDue); // 10 working days: Monday 7/12 08:00
    }

    [Fact]
    public async Task Should_flag_a_missed_first_reply_once()
    {
        var row = await OpenAsync();
        var due = row.FirstReplyDue!.Value;

        At(due - Minute);
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        Assert.Empty(await EventsAsync(row.Id, ConversationEvents.Overdue));

        At(due);
        Assert.Equal(new OverdueEscalator.Pass(1, 0), await CheckAsync());
        var flag = Assert.Single(await EventsAsync(row.Id, ConversationEvents.Overdue));
        Assert.Equal((DeadlineKind.FirstReply, ConversationEvents.System, due), (flag.Detail, flag.Actor, flag.At));

        _host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        Assert.Single(await EventsAsync(row.Id, ConversationEvents.Overdue));
        Assert.Null((await RowAsync(row.Id)).EscalatedAt);
    }

    [Fact]
    public async Task Should_escalate_a_working_day_after_the_deadline_to_the_minute_and_only_once_across_passes_returns_and_a_restart()
    {
        var row = await OpenAsync();
        var escalation = row.FirstReplyDue!.Value + 24 * Hour; // Tuesday 14:00: Mon 14–17, Tue 07:30–11:30, 13:30–14:00
        Assert.Equal(Vn(2026, 11, 24, 14, 0), escalation - escalation % Minute);

        At(escalation - Minute);
        Assert.Equal(new OverdueEscalator.Pass(1, 0), await CheckAsync()); // flagged, not yet escalated
        Assert.Null((await RowAsync(row.Id)).EscalatedAt);

        At(escalation);
        Assert.Equal(new OverdueEscalator.Pass(0, 1), await CheckAsync());
        var escalated = await RowAsync(row.Id);
        Assert.Equal(escalation, escalated.EscalatedAt);
        Assert.Equal(OverdueEscalator.Reason, escalated.EscalationReason);
        var notice = Assert.Single(await EventsAsync(row.Id, ConversationEvents.Escalate)); // the commune's notice on its timeline
        Assert.Equal(ConversationEvents.System, notice.Actor);
        Assert.StartsWith(DeadlineKind.Label(DeadlineKind.FirstReply), notice.Detail);

        for (var i = 0; i < 3; i++)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        }

        // The province sends it back with an instruction: the gateway does not send it up again for the same deadline.
        await Store.ReturnAsync(escalated, "Xã trả lời người dân trong hôm nay", "province1");
        _host.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        Assert.Null((await RowAsync(row.Id)).EscalatedAt);

        // A restart on the same database (its clock starts again at Monday 08:00).
        _host.KeepFiles = true;
        var folder = _host.Folder;
        await _host.DisposeAsync();
        _host = await GatewayTestHost.StartAsync(output, folder: folder);
        At(escalation + 3 * Hour); // still before the resolution deadline
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());

        Assert.Single(await EventsAsync(row.Id, ConversationEvents.Escalate));
        Assert.Single(await EventsAsync(row.Id, ConversationEvents.Overdue));
        Assert.Null((await RowAsync(row.Id)).EscalatedAt);
    }

    [Fact]
    public async Task Should_not_flag_a_first_reply_sent_before_the_deadline_but_keep_the_resolution_clock()
    {
        var row = await OpenAsync();
        var due = row.FirstReplyDue!.Value;
        At(due - Minute);
        Assert.IsType<SendReply.Outcome.Queued>(await _host.Get<SendReply>().SendAsync(row, "Chào bác, xã đang kiểm tra hồ sơ.", "official1", null));
        await _host.SettledAsync();
        Assert.Equal(due - Minute, (await RowAsync(row.Id)).FirstReplyAt);

        At(due + 25 * Hour); // past the first reply's escalation time, before the resolution deadline
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        Assert.Empty(await EventsAsync(row.Id, ConversationEvents.Overdue));
        Assert.Null((await RowAsync(row.Id)).EscalatedAt);

        // Resolution has its own deadline: Thursday 08:00, escalated on Friday 08:00.
        var resolveDue = row.ResolveDue!.Value;
        At(resolveDue);
        Assert.Equal(new OverdueEscalator.Pass(1, 0), await CheckAsync());
        Assert.Equal(DeadlineKind.Resolve, Assert.Single(await EventsAsync(row.Id, ConversationEvents.Overdue)).Detail);
        At(resolveDue + 24 * Hour - Minute);
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        At(resolveDue + 24 * Hour);
        Assert.Equal(new OverdueEscalator.Pass(0, 1), await CheckAsync());
        Assert.StartsWith(DeadlineKind.Label(DeadlineKind.Resolve), Assert.Single(await EventsAsync(row.Id, ConversationEvents.Escalate)).Detail);
    }

    [Fact]
    public async Task Should_flag_a_late_first_reply_but_not_escalate_it()
    {
        var row = await OpenAsync();
        At(row.FirstReplyDue!.Value + 5 * Minute); // replied late, before any pass saw it
        await _host.Get<SendReply>().SendAsync(row, "Xin lỗi bác vì trả lời muộn.", "official1", null);
        await _host.SettledAsync();

        At(row.FirstReplyDue.Value + 25 * Hour);
        Assert.Equal(new OverdueEscalator.Pass(1, 0), await CheckAsync());
        Assert.Equal(DeadlineKind.FirstReply, Assert.Single(await EventsAsync(row.Id, ConversationEvents.Overdue)).Detail);
        Assert.Empty(await EventsAsync(row.Id, ConversationEvents.Escalate));
    }

    [Fact]
    public async Task Should_leave_resolved_conversations_alone()
    {
        var row = await OpenAsync();
        await Store.SetStatusAsync(row, ConversationStatus.Resolved, "official1");

        At(row.ResolveDue!.Value + 48 * Hour);
        Assert.Equal(new OverdueEscalator.Pass(0, 0), await CheckAsync());
        Assert.Empty(await EventsAsync(row.Id, ConversationEvents.Overdue));
    }

    [Fact]
    public async Task Should_seed_the_holidays_table_once_and_follow_the_operators_edits()
    {
        Assert.Equal(PublicHolidays.Shipped.Days.Count, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM public_holidays WHERE updated_by = 'seed'"));
        var deadlines = _host.Get<ConversationDeadlines>();
        var mondayAfternoon = Vn(2026, 11, 23, 16, 0);
        Assert.Equal(Vn(2026, 11, 24, 10, 30), deadlines.For("25", null, mondayAfternoon).FirstReplyDue);

        // The operator makes Tuesday 24/11 a day off, and removes one of 2026's rows.
        await _host.ExecuteAsync(
            "INSERT INTO public_holidays (holiday_date, kind, name, source, updated_by, updated_at) VALUES ('2026-11-24', 'holiday', 'Ngày Văn hóa Việt Nam', NULL, 'operator', 0)");
        await _host.ExecuteAsync("DELETE FROM public_holidays WHERE holiday_date = '2026-04-27'");
        var table = _host.Get<HolidayTable>();
        Assert.Empty(await table.SeedAsync()); // 2026 and 2027 are the operator's now: nothing comes back
        await table.RefreshAsync();

        Assert.Equal(Vn(2026, 11, 25, 10, 30), deadlines.For("25", null, mondayAfternoon).FirstReplyDue);
        Assert.True(_host.Get<WorkingCalendar>().IsWorkingDay(new DateOnly(2026, 4, 27)));
        Assert.Equal(0, await _host.ScalarAsync<long>("SELECT COUNT(*) FROM public_holidays WHERE holiday_date = '2026-04-27'"));
    }
}
