namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>A broadcast's lifecycle. Nothing sends before a second officer approves it.</summary>
public static class BroadcastStatus
{
    public const string PendingApproval = "pending_approval";
    public const string Scheduled = "scheduled";                 // approved; next_run_at says when
    public const string Sending = "sending";
    public const string Paused = "paused";                       // by an officer
    public const string WaitingQuietHours = "waiting_quiet_hours"; // the window closed mid-send; resumes at next_run_at
    public const string Completed = "completed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [PendingApproval, Scheduled, Sending, Paused, WaitingQuietHours, Completed, Cancelled];

    /// <summary>States an officer may still cancel from.</summary>
    public static readonly string[] Cancellable = [PendingApproval, Scheduled, Sending, Paused, WaitingQuietHours];
}

/// <summary>A delivery row's lifecycle (<c>notice_deliveries.status</c>).</summary>
public static class NoticeDeliveryStatus
{
    public const string Queued = "queued";
    public const string Sending = "sending";     // claimed; the provider call is in flight
    public const string Retrying = "retrying";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
    public const string Failed = "failed";
    public const string Unknown = "unknown";     // a crash interrupted the provider call: never sent again blindly
    public const string Checking = "checking";   // interrupted on a channel that can be asked (Twilio): the reconciler settles it
    public const string Skipped = "skipped";     // opted out, or no channel reaches them
    public const string Cancelled = "cancelled"; // the broadcast was cancelled before this one went

    /// <summary>Not finished yet: a run is complete when none is left in these.</summary>
    public static readonly string[] Pending = [Queued, Sending, Retrying, Checking];
}

/// <summary>Why a resident was skipped or fell back (reported per reason).</summary>
public static class NoticeReason
{
    public const string OptedOut = "opted_out";
    public const string NoChannel = "no_channel";
}
