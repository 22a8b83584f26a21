namespace Gateway.Channels.Twilio;

/// <summary>Twilio error codes a gateway meets (protocols.md §A3), and whether trying again can help.</summary>
public static class TwilioErrors
{
    public sealed record Info(string Meaning, bool Retryable);

    private static readonly Dictionary<int, Info> Table = new()
    {
        // Synchronous (create call)
        [20429] = new("Too many concurrent requests; never processed", true),
        [20003] = new("Authentication failed", false),
        [21211] = new("Invalid 'To' number", false),
        [21408] = new("SMS to this region is not enabled", false),
        [21602] = new("Message body is required", false),
        [21603] = new("'From' is required", false),
        [21604] = new("'To' is required", false),
        [21606] = new("'From' is not a valid sender for this destination", false),
        [21608] = new("Trial account: 'To' is not verified", false),
        [21610] = new("Recipient unsubscribed (STOP)", false),
        [21611] = new("Too many messages queued on this sender", true),
        [21612] = new("'To' is not reachable from this sender", false),
        [21614] = new("'To' is not a mobile number", false),
        [21617] = new("Body exceeds 1600 characters", false),
        [21635] = new("'To' is a landline", false),
        [35114] = new("Scheduling window violated", false),
        [35115] = new("Scheduling window violated", false),
        [35118] = new("Scheduling requires a Messaging Service", false),
        // Asynchronous (status callbacks)
        [30001] = new("Queue overflow", true),
        [30003] = new("Unreachable handset", true),
        [30004] = new("Message blocked", false),
        [30005] = new("Unknown or inactive handset", false),
        [30006] = new("Landline or unreachable carrier", false),
        [30007] = new("Carrier filtering", false),
        [30008] = new("Unknown error", true),
        [30034] = new("US A2P 10DLC unregistered", false),
        [30036] = new("Validity period expired while queued", false),
    };

    public static Info? Find(int code) => Table.GetValueOrDefault(code);

    public static Info? Find(string? code) => int.TryParse(code, out var c) ? Find(c) : null;

    /// <summary>
    /// A failed create call: 429 (20429) and 5xx are retryable, as are codes the table marks so; other 4xx are not,
    /// since sending the same request again would fail the same way.
    /// </summary>
    public static bool IsRetryable(int httpStatus, int? code)
    {
        if (code is int c && Find(c) is { } info) return info.Retryable;
        return httpStatus == 429 || httpStatus >= 500 || httpStatus == 408;
    }
}
