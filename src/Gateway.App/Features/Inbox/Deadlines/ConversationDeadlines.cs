using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// When a conversation must have its first reply and its resolution: the category's deadlines for the province
/// (<see cref="DeadlinesOptions"/>) counted in working time (<see cref="WorkingCalendar"/>) from when it opened.
/// </summary>
public sealed class ConversationDeadlines(WorkingCalendar calendar, IOptionsMonitor<DeadlinesOptions> options)
{
    /// <param name="category">null while the conversation is uncategorized: the default deadlines.</param>
    /// <returns>Both due instants, UTC unix milliseconds.</returns>
    public (long? FirstReplyDue, long? ResolveDue) For(string provinceCode, string? category, long openedAt)
    {
        var (firstReply, resolve) = options.CurrentValue.For(provinceCode, category);
        var schedule = calendar.Schedule;
        return (calendar.Add(openedAt, firstReply.ToWorkingTime(schedule)), calendar.Add(openedAt, resolve.ToWorkingTime(schedule)));
    }

    /// <summary>When a conversation past <paramref name="dueMs"/> goes to the province: the configured working time later.</summary>
    public long EscalationAt(long dueMs) => calendar.Add(dueMs, options.CurrentValue.EscalateAfter.ToWorkingTime(calendar.Schedule));
}
