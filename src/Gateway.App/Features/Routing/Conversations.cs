using System.Data.Common;
using Dapper;
using Gateway.App.Features.Residents;

namespace Gateway.App.Features.Routing;

/// <summary>Finds the resident's open conversation with an inbox, or opens one with a new tracking code.</summary>
public static class Conversations
{
    public sealed record Opened(Guid Id, string TrackingCode, bool IsNew);

    /// <param name="communeCode">null for the province triage inbox.</param>
    public static async Task<Opened> FindOrOpenAsync(DbConnection c, DbTransaction tx, Resident resident,
        string? communeCode, string provinceCode, string channelKey, long now)
    {
        var openKey = $"{resident.Id}|{communeCode ?? "triage:" + provinceCode}";
        var existing = await c.QuerySingleOrDefaultAsync<(string Id, string TrackingCode)>(
            "SELECT id, tracking_code FROM conversations WHERE open_key = @openKey", new { openKey }, tx);
        if (existing.Id is not null) return new Opened(Guid.Parse(existing.Id), existing.TrackingCode, false);

        var id = Guid.CreateVersion7();
        var code = TrackingCode.New();
        // open_key is unique: a second instance racing to open the same conversation fails here and the
        // consumer's retry then finds this one.
        await c.ExecuteAsync(
            """
            INSERT INTO conversations (id, tracking_code, commune_code, province_code, resident_id, channel_key, urn, status, open_key, created_at, updated_at, last_message_at)
            VALUES (@Id, @Code, @CommuneCode, @ProvinceCode, @ResidentId, @ChannelKey, @Urn, 'open', @OpenKey, @Now, @Now, @Now)
            """,
            new { Id = id.ToString(), Code = code, CommuneCode = communeCode, ProvinceCode = provinceCode, ResidentId = resident.Id, ChannelKey = channelKey, resident.Urn, OpenKey = openKey, Now = now }, tx);
        return new Opened(id, code, true);
    }

    /// <summary>Attaches an inbound message to a conversation and reopens it if the official had marked it pending.</summary>
    public static async Task AttachAsync(DbConnection c, DbTransaction tx, Guid messageId, Guid conversationId, long now)
    {
        await c.ExecuteAsync("UPDATE messages SET conversation_id = @conversationId, status = 'routed', updated_at = @now WHERE id = @messageId",
            new { conversationId = conversationId.ToString(), now, messageId = messageId.ToString() }, tx);
        await c.ExecuteAsync("UPDATE conversations SET last_message_at = @now, updated_at = @now, status = 'open' WHERE id = @conversationId",
            new { conversationId = conversationId.ToString(), now }, tx);
    }
}
