namespace Gateway.App.Features.Inbox;

/// <summary>The views of an inbox list: by status, and the help desk's own (overdue, mine, unassigned, escalated).</summary>
public static class InboxTabs
{
    public const string Overdue = "overdue", Mine = "mine", Unassigned = "unassigned", Escalated = "escalated";

    public static readonly string[] All = [ConversationStatus.Open, ConversationStatus.Pending, ConversationStatus.Resolved, Overdue, Mine, Unassigned, Escalated];

    public static bool IsTab(string? tab) => tab is not null && All.Contains(tab);

    public static string Label(string? tab) => tab switch
    {
        ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.Resolved => Web.Labels.ConversationStatus(tab),
        Overdue => "Quá hạn",
        Mine => "Của tôi",
        Unassigned => "Chưa giao",
        Escalated => "Chuyển lên tỉnh",
        _ => "Tất cả",
    };
}
