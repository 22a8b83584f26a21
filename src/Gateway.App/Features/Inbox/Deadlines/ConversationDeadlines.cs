namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// When a conversation must have its first reply and its resolution, counted in working hours from when it opened.
/// (Placeholder: no deadlines until the working-hours calendar lands.)
/// </summary>
public class ConversationDeadlines
{
    public virtual (long? FirstReplyDue, long? ResolveDue) For(string provinceCode, string? category, long openedAt) => (null, null);
}
