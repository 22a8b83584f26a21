namespace Gateway.Channels.Twilio;

/// <summary>Twilio's Message status (protocols.md §A3/§A4) mapped to ours.</summary>
public static class TwilioStatus
{
    private static readonly Dictionary<string, DeliveryStatus> Map = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accepted"] = DeliveryStatus.Queued,   // initial status with a Messaging Service
        ["scheduled"] = DeliveryStatus.Queued,
        ["queued"] = DeliveryStatus.Queued,
        ["sending"] = DeliveryStatus.Sending,
        ["sent"] = DeliveryStatus.Sent,
        // Some parts arrived: not proof the resident has it all, so not Delivered.
        ["partially_delivered"] = DeliveryStatus.Sent,
        // In Vietnam "delivered" is only the SMSC's acknowledgement (§A0); it is still the best we get.
        ["delivered"] = DeliveryStatus.Delivered,
        ["read"] = DeliveryStatus.Read,
        ["undelivered"] = DeliveryStatus.Failed,
        ["failed"] = DeliveryStatus.Failed,
        ["canceled"] = DeliveryStatus.Failed,
    };

    /// <summary>Null for inbound statuses (<c>received</c>, <c>receiving</c>) and values Twilio may add later.</summary>
    public static DeliveryStatus? ToDeliveryStatus(string? twilioStatus) =>
        twilioStatus is not null && Map.TryGetValue(twilioStatus, out var s) ? s : null;
}
