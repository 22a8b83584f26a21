using Gateway.App.Features.Audit;

namespace Gateway.App.Features.Inbox.Status;

/// <summary>An official moves a conversation to open, pending or resolved; audited.</summary>
public sealed class ChangeStatus(ConversationStore store, AuditLog audit)
{
    public enum Outcome { Changed, UnknownStatus, NewerOpenConversation }

    public static bool IsStatus(string? status) => status is not null && ConversationStatus.All.Contains(status);

    public async Task<Outcome> ChangeAsync(ConversationRow row, string? status, string actor)
    {
        if (!IsStatus(status)) return Outcome.UnknownStatus;
        if (await store.SetStatusAsync(row, status!, actor) == ConversationStore.StatusChange.NewerOpenConversation)
            return Outcome.NewerOpenConversation;
        await audit.WriteAsync(actor, "conversation.status", $"conversation:{row.Id}", "ok", status);
        return Outcome.Changed;
    }
}
