namespace Gateway.App.Features.Inbox;

/// <summary>The states of a conversation; resolving one frees its open slot (the next message opens a new one).</summary>
public static class ConversationStatus
{
    public const string Open = "open";
    public const string Pending = "pending";
    public const string Resolved = "resolved";

    public static readonly string[] All = [Open, Pending, Resolved];
}
