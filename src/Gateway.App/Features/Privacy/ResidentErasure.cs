using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Messages;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// A resident's request to be forgotten: their conversations and every message to or from any of their addresses are
/// anonymised (<see cref="Anonymised"/>), their notice deliveries too, and their resident record is emptied: addresses and
/// tags deleted, commune, language and choices cleared, its first address replaced by a token. The record itself stays as
/// that empty shell because the anonymised conversations point at it; with no address left, the next message from the
/// number finds nobody and starts a new resident. What is still waiting to go to them (a queued reply, a queued
/// notice) is stopped first. Work goes in chunks, the resident record last, so an interrupted erasure is finished by
/// asking again. Audited as <c>resident.erase</c> with the resident's id and counts, never the address.
/// </summary>
public sealed class ResidentErasure(Db db, DbWriter writer, AuditLog audit)
{
    public const int ChunkSize = 500;
    public const string Reason = "erased";

    public sealed record Outcome(string? ResidentId, int Conversations, int Messages, int Deliveries);

    public async Task<Outcome> EraseAsync(string actor, HeldAddress held, CancellationToken ct = default)
    {
        var rid = held.ResidentId ?? "";
        var urns = held.Urns;
        var d = db.Dialect;

        // Nothing more goes out to them: queued replies fail, queued notices are cancelled.
        await writer.WriteAsync(async w =>
        {
            await w.Connection.ExecuteAsync(
                """
                UPDATE messages SET status = @failed, error_code = @reason, next_attempt_at = NULL, updated_at = @now
                WHERE direction = 'out' AND status IN (@queued, @retrying)
                  AND (urn IN @urns OR conversation_id IN (SELECT id FROM conversations WHERE resident_id = @rid))
                """, new { failed = MessageStatus.Failed, reason = Reason, now = w.Now, queued = MessageStatus.Queued, retrying = MessageStatus.Retrying, urns, rid }, w.Tx);
            await w.Connection.ExecuteAsync(
                "UPDATE notice_deliveries SET status = @cancelled, reason = @reason, updated_at = @now WHERE (resident_id = @rid OR urn IN @urns) AND status IN (@queued, @retrying)",
                new { cancelled = NoticeDeliveryStatus.Cancelled, reason = Reason, now = w.Now, queued = NoticeDeliveryStatus.Queued, retrying = NoticeDeliveryStatus.Retrying, rid, urns }, w.Tx);
        }, ct: ct);

        int conversations = 0, messages = 0, deliveries = 0;
        var top = d.TopPrefix(ChunkSize.ToString());
        var limit = d.LimitSuffix(ChunkSize.ToString());
        while (true)
        {
            var done = await writer.WriteAsync(async w =>
            {
                var ids = (await w.Connection.QueryAsync<string>(
                    $"SELECT {top} id FROM conversations WHERE (resident_id = @rid OR urn IN @urns) AND anonymised_at IS NULL ORDER BY id {limit}", new { rid, urns }, w.Tx)).ToList();
                messages += await Anonymised.ConversationsAsync(w.Connection, w.Tx, ids, w.Now);
                return ids.Count;
            }, ct: ct);
            conversations += done;
            if (done == 0) break;
        }
        while (true)
        {
            var done = await writer.WriteAsync(async w =>
            {
                var ids = (await w.Connection.QueryAsync<string>($"SELECT {top} id FROM messages WHERE urn IN @urns ORDER BY id {limit}", new { urns }, w.Tx)).ToList();
                return await Anonymised.MessagesAsync(w.Connection, w.Tx, ids, w.Now);
            }, ct: ct);
            messages += done;
            if (done == 0) break;
        }
        // Deliveries are found by a scan (no index by resident: it would slow every broadcast), outside the write lock.
        List<long> found;
        await using (var c = await db.OpenAsync(ct))
            found = (await c.QueryAsync<long>("SELECT id FROM notice_deliveries WHERE resident_id = @rid OR urn IN @urns", new { rid, urns })).ToList();
        foreach (var chunk in found.Chunk(ChunkSize))
            deliveries += await writer.WriteAsync(w => Anonymised.DeliveriesAsync(w.Connection, w.Tx, chunk, w.Now), ct: ct);

        if (held.ResidentId is not null)
            await writer.WriteAsync(async w =>
            {
                await w.Connection.ExecuteAsync("DELETE FROM resident_tags WHERE resident_id = @rid", new { rid }, w.Tx);
                await w.Connection.ExecuteAsync("DELETE FROM resident_addresses WHERE resident_id = @rid", new { rid }, w.Tx);
                await w.Connection.ExecuteAsync(EmptyResidentSql, new { rid, urn = Anonymised.Urn(rid), now = w.Now }, w.Tx);
            }, ct: ct);

        await audit.WriteAsync(actor, "resident.erase", held.Target, "ok", $"conversations={conversations} messages={messages} deliveries={deliveries}");
        return new Outcome(held.ResidentId, conversations, messages, deliveries);
    }

    /// <summary>The shell the anonymised conversations point at: opted out and in no commune, so no audience ever picks it.</summary>
    internal const string EmptyResidentSql =
        "UPDATE residents SET urn = @urn, commune_code = NULL, language = NULL, pending_choices = NULL, awaiting_commune = 0, opted_out = 1, following = 0, " +
        "imported_at = NULL, updated_at = @now WHERE id = @rid";
}
