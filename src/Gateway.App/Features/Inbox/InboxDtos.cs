using Gateway.App.Infrastructure;
using Gateway.Channels;

namespace Gateway.App.Features.Inbox;

/// <summary>The conversation as officials see it: the resident's address is masked.</summary>
public sealed record ConversationDto(
    Guid Id, string TrackingCode, string? CommuneCode, string ProvinceCode, string Status, string Channel,
    string Resident, DateTimeOffset CreatedAt, DateTimeOffset LastMessageAt, IReadOnlyList<MessageDto>? Messages = null,
    string? AssignedTo = null, string? Category = null, DateTimeOffset? FirstReplyDue = null, DateTimeOffset? ResolveDue = null,
    DateTimeOffset? FirstReplyAt = null, bool Overdue = false, DateTimeOffset? EscalatedAt = null, IReadOnlyList<EventDto>? Events = null);

/// <summary>Something an official (or the gateway) did in the conversation; residents never see these.</summary>
public sealed record EventDto(DateTimeOffset At, string Actor, string Kind, string? Detail);

/// <param name="ErrorMessage">The provider's reason for a failed send (e.g. eSMS 146: the text is not a registered brandname template).</param>
public sealed record MessageDto(Guid Id, string Direction, string Kind, string Text, string Status, string? Author,
    string? ErrorCode, DateTimeOffset CreatedAt, string? ErrorMessage = null);

/// <summary>Row shapes as read by Dapper (snake_case columns aliased to these names).</summary>
public sealed class ConversationRow
{
    public string Id { get; init; } = "";
    public string TrackingCode { get; init; } = "";
    public string? CommuneCode { get; init; }
    public string ProvinceCode { get; init; } = "";
    public string Status { get; init; } = "";
    public string ChannelKey { get; init; } = "";
    public string Urn { get; init; } = "";
    public string ResidentId { get; init; } = "";
    public long CreatedAt { get; init; }
    public long LastMessageAt { get; init; }
    public string? AssignedTo { get; init; }
    public string? Category { get; init; }
    public long? LastInboundAt { get; init; }
    public long? FirstReplyAt { get; init; }
    public long? FirstReplyDue { get; init; }
    public long? ResolveDue { get; init; }
    public long? ResolvedAt { get; init; }
    public long? EscalatedAt { get; init; }
    public string? EscalationReason { get; init; }
    /// <summary>When the listing official last opened it (only in lists).</summary>
    public long? ReadAt { get; init; }

    /// <summary>The resident wrote since the reader last opened it.</summary>
    public bool IsUnread => LastInboundAt is { } inbound && inbound > (ReadAt ?? 0);

    /// <summary>Past a deadline it has not met: the first reply, or the resolution.</summary>
    public bool IsOverdue(long now) =>
        (FirstReplyAt is null && FirstReplyDue is { } reply && reply <= now) ||
        (Status != ConversationStatus.Resolved && ResolveDue is { } resolve && resolve <= now);

    public ConversationDto ToDto(IReadOnlyList<MessageDto>? messages = null, long? now = null, IReadOnlyList<EventDto>? events = null) => new(
        Guid.Parse(Id), TrackingCode, CommuneCode, ProvinceCode, Status, ChannelKey, Gateway.Channels.Urn.Parse(Urn).Masked,
        TimeExtensions.FromMs(CreatedAt), TimeExtensions.FromMs(LastMessageAt), messages,
        AssignedTo, Category, Ms(FirstReplyDue), Ms(ResolveDue), Ms(FirstReplyAt), now is { } n && IsOverdue(n), Ms(EscalatedAt), events);

    private static DateTimeOffset? Ms(long? ms) => ms is { } v ? TimeExtensions.FromMs(v) : null;

    public const string Columns =
        "id AS Id, tracking_code AS TrackingCode, commune_code AS CommuneCode, province_code AS ProvinceCode, status AS Status, channel_key AS ChannelKey, urn AS Urn, resident_id AS ResidentId, created_at AS CreatedAt, last_message_at AS LastMessageAt, " +
        "assigned_to AS AssignedTo, category AS Category, last_inbound_at AS LastInboundAt, first_reply_at AS FirstReplyAt, first_reply_due AS FirstReplyDue, resolve_due AS ResolveDue, " +
        "resolved_at AS ResolvedAt, escalated_at AS EscalatedAt, escalation_reason AS EscalationReason";
}

public sealed class MessageRow
{
    public string Id { get; init; } = "";
    public string Direction { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Text { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Author { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public long CreatedAt { get; init; }

    public MessageDto ToDto() => new(Guid.Parse(Id), Direction, Kind, Text, Status, Author, ErrorCode, TimeExtensions.FromMs(CreatedAt),
        Status is "failed" or "unknown" ? ErrorMessage : null);

    public const string Columns =
        "id AS Id, direction AS Direction, kind AS Kind, text AS Text, status AS Status, author AS Author, error_code AS ErrorCode, error_message AS ErrorMessage, created_at AS CreatedAt";
}
