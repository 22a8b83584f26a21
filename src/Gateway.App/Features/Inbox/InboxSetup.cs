using Gateway.App.Features.Inbox.Actions;
using Gateway.App.Features.Inbox.Canned;
using Gateway.App.Features.Inbox.List;
using Gateway.App.Features.Inbox.Live;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Inbox.Status;
using Gateway.App.Features.Inbox.Thread;

namespace Gateway.App.Features.Inbox;

/// <summary>The commune inbox: conversations, their access check, and each use case's API and page.</summary>
public static class InboxSetup
{
    public static IServiceCollection AddInbox(this IServiceCollection services)
    {
        services.AddInboxDeadlines(); // the working-time calendar, deadlines by category and province, the overdue escalator
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationEvents>();
        services.AddSingleton<ConversationAccess>();
        services.AddSingleton<SendReply>();
        services.AddSingleton<ChangeStatus>();
        services.AddSingleton<Actions.ConversationActions>();
        services.AddSingleton<Canned.CannedReplyStore>();
        services.AddSingleton<List.ResidentLanguages>();
        return services;
    }

    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app)
    {
        app.MapListConversationsApi();
        app.MapReadConversationApi();
        app.MapReplyApi();
        app.MapStatusApi();
        app.MapActionsApi();
        app.MapCannedRepliesApi();
        app.MapCannedRepliesPage();
        app.MapInboxPage();
        app.MapConversationPage();
        app.MapReplyPage();
        app.MapStatusPage();
        app.MapActionsPage();
        app.MapInboxStream();
        return app;
    }
}
