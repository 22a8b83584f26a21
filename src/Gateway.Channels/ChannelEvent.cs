namespace Gateway.Channels;

/// <summary>A normalized event parsed from a provider webhook.</summary>
public abstract record ChannelEvent;

/// <param name="RawText">Exactly as received (after transport decoding).</param>
/// <param name="Text">NFC, control characters stripped.</param>
/// <param name="IdempotencyToken">Provider retry token, e.g. Twilio's I-Twilio-Idempotency-Token.</param>
public sealed record MessageReceived(
    string ProviderMessageId,
    Urn From,
    string? To,
    string RawText,
    string Text,
    IReadOnlyList<Attachment> Attachments,
    GeoLocation? Location,
    DateTimeOffset? SentAt,
    string? IdempotencyToken = null) : ChannelEvent;

public sealed record Attachment(string Url, string? ContentType);

public sealed record GeoLocation(double Latitude, double Longitude);

/// <summary>A delivery report for a message we sent.</summary>
public sealed record StatusUpdated(
    string ProviderMessageId,
    DeliveryStatus Status,
    string? ErrorCode,
    string? ErrorMessage) : ChannelEvent;

/// <summary>The resident followed (true) or unfollowed (false) the Zalo OA.</summary>
public sealed record FollowChanged(Urn Resident, bool Following, DateTimeOffset? At) : ChannelEvent;

public enum DeliveryStatus { Queued, Sending, Sent, Delivered, Read, Failed }
