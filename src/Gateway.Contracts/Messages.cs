namespace Gateway.Contracts;

// Events are past tense, commands verb-noun. Each carries ids only: the database is the source of
// truth, so a consumer always reads the current row and a redelivered message is harmless.

/// <summary>A resident's message was stored (and acknowledged to the provider); route it to an inbox.</summary>
/// <param name="ResidentKey">A hash of the resident's address: orders their messages without carrying the number.</param>
public sealed record InboundMessageReceived(Guid MessageId, string ChannelKey, string ResidentKey);

/// <summary>Send one stored outbound message (a reply, an acknowledgement, a prompt or a notice).</summary>
public sealed record SendOutboundMessage(Guid MessageId);

/// <summary>
/// Send the still-queued deliveries of one broadcast run whose ids fall in [FromDeliveryId, ToDeliveryId]: notices
/// travel in chunks, never one bus message per resident.
/// </summary>
public sealed record SendNoticeChunk(Guid BroadcastId, int Run, long FromDeliveryId, long ToDeliveryId);
