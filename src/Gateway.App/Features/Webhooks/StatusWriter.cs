using Gateway.App.Features.Messages;
using Dapper;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;

namespace Gateway.App.Features.Webhooks;

/// <summary>Applies provider delivery reports and follow/unfollow events.</summary>
public sealed class StatusWriter(Db db, TimeProvider time, Channels.ChannelCatalog channels)
{
    // Reports arrive out of order; a status only moves forward (a late "sent" never undoes "delivered").
    private static readonly Dictionary<DeliveryStatus, string[]> MayFollow = new()
    {
        [DeliveryStatus.Queued] = [],
        [DeliveryStatus.Sending] = [MessageStatus.Queued],
        [DeliveryStatus.Sent] = [MessageStatus.Queued, MessageStatus.Sending, MessageStatus.Retrying, MessageStatus.Unknown],
        [DeliveryStatus.Delivered] = [MessageStatus.Queued, MessageStatus.Sending, MessageStatus.Retrying, MessageStatus.Unknown, MessageStatus.Sent, MessageStatus.Failed],
        [DeliveryStatus.Failed] = [MessageStatus.Queued, MessageStatus.Sending, MessageStatus.Retrying, MessageStatus.Unknown, MessageStatus.Sent],
        [DeliveryStatus.Read] = [MessageStatus.Queued, MessageStatus.Sending, MessageStatus.Retrying, MessageStatus.Unknown, MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Failed],
    };

    public static string Name(DeliveryStatus status) => status.ToString().ToLowerInvariant();

    public async Task<int> ApplyAsync(string channelKey, StatusUpdated update, CancellationToken ct)
    {
        var prior = MayFollow[update.Status];
        if (prior.Length == 0) return 0;
        await using var connection = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        var args = new
        {
            Status = Name(update.Status),
            update.ErrorCode,
            update.ErrorMessage,
            Now = time.NowMs(),
            // ZNS receipts come to the OA's webhook: they also match the ZNS channels sending as that OA.
            ChannelKeys = channels.All.Where(c => c.Type == ChannelTypes.Zns && string.Equals(c.Options.ZaloOa, channelKey, StringComparison.OrdinalIgnoreCase))
                .Select(c => c.Key).Append(channelKey).ToArray(),
            update.ProviderMessageId,
            Prior = prior,
        };
        // A notice's delivery row moves by the same rules as a reply's message row.
        var notices = await connection.ExecuteAsync(
            """
            UPDATE notice_deliveries SET status = @Status, reason = COALESCE(@ErrorCode, reason),
                   error_message = COALESCE(@ErrorMessage, error_message), updated_at = @Now
            WHERE channel_key IN @ChannelKeys AND provider_message_id = @ProviderMessageId AND status IN @Prior
            """, args);
        return notices + await connection.ExecuteAsync(
            """
            UPDATE messages SET status = @Status, error_code = COALESCE(@ErrorCode, error_code),
                   error_message = COALESCE(@ErrorMessage, error_message), updated_at = @Now
            WHERE channel_key IN @ChannelKeys AND direction = 'out' AND provider_message_id = @ProviderMessageId AND status IN @Prior
            """, args);
    }

    public async Task ApplyAsync(FollowChanged follow, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        using var writing = await db.WriteLockAsync(ct: ct);
        await ResidentStore.SetFollowingAsync(connection, null, follow.Resident.ToString(), follow.Following, time.NowMs());
    }
}
