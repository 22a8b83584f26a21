namespace Gateway.App.Features.Outbound.Pacing;

/// <summary>Who goes first when a channel's rate is the bottleneck.</summary>
public enum SendPriority
{
    /// <summary>Replies, acknowledgements, prompts: a resident is waiting for the answer.</summary>
    Conversation = 0,
    /// <summary>Broadcasts: nobody is waiting, so they take the budget conversations leave.</summary>
    Notice = 1,
}
