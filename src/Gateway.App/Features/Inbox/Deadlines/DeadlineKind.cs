namespace Gateway.App.Features.Inbox.Deadlines;

/// <summary>
/// The two deadlines of a conversation, as the <c>overdue</c> timeline event names them in its detail
/// (one event per conversation and deadline).
/// </summary>
public static class DeadlineKind
{
    public const string FirstReply = "first_reply", Resolve = "resolve";

    public static string Label(string? kind) => kind switch
    {
        FirstReply => "Quá hạn trả lời lần đầu",
        Resolve => "Quá hạn giải quyết",
        _ => kind ?? "",
    };
}
