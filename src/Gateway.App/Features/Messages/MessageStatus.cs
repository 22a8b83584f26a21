namespace Gateway.App.Features.Messages;

/// <summary>Every state a row of <c>messages</c> can be in: one list, so a typo does not compile.</summary>
public static class MessageStatus
{
    // inbound
    public const string Received = "received";   // stored, not routed yet
    public const string Held = "held";           // waiting for the resident to name their commune
    public const string Routed = "routed";       // in a conversation
    public const string Keyword = "keyword";     // a command (DK, HUY, a choice), answered by the gateway itself

    // outbound
    public const string Queued = "queued";
    public const string Sending = "sending";     // claimed; the provider call is in flight
    public const string Retrying = "retrying";   // a retryable failure; next_attempt_at says when
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Failed = "failed";
    public const string Unknown = "unknown";     // a crash interrupted the provider call: it may or may not have gone
}

/// <summary>Why a message exists (<c>messages.kind</c>).</summary>
public static class MessageKind
{
    public const string Resident = "resident";   // inbound text from a resident
    public const string Reply = "reply";         // an official's answer
    public const string Ack = "ack";             // the gateway's acknowledgement (tracking code, opt-out, registration)
    public const string Prompt = "prompt";       // the gateway asks (which commune?)
    public const string Notice = "notice";
}

public static class MessageDirection
{
    public const string In = "in";
    public const string Out = "out";
}
