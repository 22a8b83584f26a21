using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// Everything the gateway holds about one person (the resident owning an address, with all their addresses): the
/// resident record, their conversations with the officials' timeline, every message both ways, their notice deliveries
/// with the text each carried, and the audit rows that name their resident record or one of their conversations.
/// </summary>
public sealed record PersonalData(
    string Address,
    IReadOnlyList<string> Addresses,
    DateTimeOffset ExportedAt,
    string SensitiveNote,
    IReadOnlyList<string> SensitiveFields,
    PersonalData.ResidentRecord? Resident,
    IReadOnlyList<PersonalData.ConversationRecord> Conversations,
    IReadOnlyList<PersonalData.MessageRecord> Messages,
    IReadOnlyList<PersonalData.EventRecord> ConversationEvents,
    IReadOnlyList<PersonalData.DeliveryRecord> NoticeDeliveries,
    IReadOnlyList<PersonalData.AuditRecord> AuditMentions)
{
    /// <summary>Said in every export, JSON and CSV: the language a resident reads can reveal their ethnic origin.</summary>
    public const string Note =
        "Dữ liệu cá nhân của cư dân (Nghị định 13/2023/NĐ-CP, Luật 91/2025/QH15). Ngôn ngữ (language) có thể cho biết dân tộc: " +
        "đây là dữ liệu cá nhân nhạy cảm, chỉ giao cho chính cư dân hoặc người có thẩm quyền. " +
        "Personal data; language may reveal ethnic origin and is sensitive personal data.";

    public static readonly IReadOnlyList<string> Sensitive = ["resident.language", "noticeDeliveries.language", "noticeDeliveries.wantedLanguage", "messages.text"];

    public bool IsEmpty => Resident is null && Conversations.Count == 0 && Messages.Count == 0 && NoticeDeliveries.Count == 0;

    public sealed record ResidentRecord
    {
        public string Id { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string? Language { get; init; }
        public bool OptedOut { get; init; }
        public IReadOnlyList<AddressRecord> Addresses { get; init; } = [];
        public IReadOnlyList<string> Tags { get; init; } = [];
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public long? ImportedAt { get; init; }
    }
    public sealed record AddressRecord
    {
        public string Urn { get; init; } = "";
        public string Scheme { get; init; } = "";
        public bool Following { get; init; }
        public long? LastInboundAt { get; init; }
        public long CreatedAt { get; init; }
    }
    public sealed record ConversationRecord
    {
        public string Id { get; init; } = "";
        public string TrackingCode { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string ProvinceCode { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Category { get; init; }
        public string? AssignedTo { get; init; }
        public long CreatedAt { get; init; }
        public long? ResolvedAt { get; init; }
        public long? AnonymisedAt { get; init; }
    }
    public sealed record MessageRecord
    {
        public string Id { get; init; } = "";
        public string Direction { get; init; } = "";
        public string Kind { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string? ConversationId { get; init; }
        public string Text { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Author { get; init; }
        public long CreatedAt { get; init; }
        public long? AnonymisedAt { get; init; }
    }
    public sealed record EventRecord
    {
        public string ConversationId { get; init; } = "";
        public long At { get; init; }
        public string Actor { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? Detail { get; init; }
    }
    public sealed record DeliveryRecord
    {
        public long Id { get; init; }
        public string BroadcastId { get; init; } = "";
        public int Run { get; init; }
        public string CommuneCode { get; init; } = "";
        public string Language { get; init; } = "";
        public string? WantedLanguage { get; init; }
        public string? ChannelKey { get; init; }
        public string? Urn { get; init; }
        public string Status { get; init; } = "";
        public string? Reason { get; init; }
        public string? Text { get; init; }
        public long UpdatedAt { get; init; }
    }
    public sealed record AuditRecord
    {
        public long Id { get; init; }
        public long At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string? Target { get; init; }
        public string Outcome { get; init; } = "";
    }

    public static async Task<PersonalData> ReadAsync(Db db, HeldAddress held, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rid = held.ResidentId ?? "";
        var urns = held.Urns;

        ResidentRecord? resident = null;
        if (held.ResidentId is not null)
        {
            var r = await c.QuerySingleOrDefaultAsync<ResidentRecord>(
                "SELECT id AS Id, commune_code AS CommuneCode, language AS Language, opted_out AS OptedOut, created_at AS CreatedAt, updated_at AS UpdatedAt, imported_at AS ImportedAt FROM residents WHERE id = @rid",
                new { rid });
            var addresses = (await c.QueryAsync<AddressRecord>(
                "SELECT urn AS Urn, scheme AS Scheme, following AS Following, last_inbound_at AS LastInboundAt, created_at AS CreatedAt FROM resident_addresses WHERE resident_id = @rid ORDER BY created_at, urn",
                new { rid })).ToList();
            var tags = (await c.QueryAsync<string>("SELECT tag FROM resident_tags WHERE resident_id = @rid ORDER BY tag", new { rid })).ToList();
            if (r is not null) resident = r with { Addresses = addresses, Tags = tags };
        }

        var conversations = (await c.QueryAsync<ConversationRecord>(
            """
            SELECT id AS Id, tracking_code AS TrackingCode, commune_code AS CommuneCode, province_code AS ProvinceCode, channel_key AS ChannelKey, urn AS Urn,
                   status AS Status, category AS Category, assigned_to AS AssignedTo, created_at AS CreatedAt, resolved_at AS ResolvedAt, anonymised_at AS AnonymisedAt
            FROM conversations WHERE resident_id = @rid OR urn IN @urns ORDER BY created_at, id
            """, new { rid, urns })).ToList();
        var mine = conversations.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);

        var messages = (await c.QueryAsync<MessageRecord>(
            """
            SELECT id AS Id, direction AS Direction, kind AS Kind, channel_key AS ChannelKey, urn AS Urn, conversation_id AS ConversationId, text AS Text,
                   status AS Status, author AS Author, created_at AS CreatedAt, anonymised_at AS AnonymisedAt
            FROM messages WHERE urn IN @urns OR conversation_id IN (SELECT id FROM conversations WHERE resident_id = @rid OR urn IN @urns)
            ORDER BY created_at, id
            """, new { rid, urns })).ToList();

        var events = (await c.QueryAsync<EventRecord>(
            """
            SELECT conversation_id AS ConversationId, at AS At, actor AS Actor, kind AS Kind, detail AS Detail FROM conversation_events
            WHERE conversation_id IN (SELECT id FROM conversations WHERE resident_id = @rid OR urn IN @urns) ORDER BY at, id
            """, new { rid, urns })).ToList();

        var deliveries = (await c.QueryAsync<DeliveryRecord>(
            """
            SELECT d.id AS Id, d.broadcast_id AS BroadcastId, d.run AS Run, d.commune_code AS CommuneCode, d.language AS Language, d.wanted_language AS WantedLanguage,
                   d.channel_key AS ChannelKey, d.urn AS Urn, d.status AS Status, d.reason AS Reason,
                   CASE WHEN d.channel_type = 'zalo' THEN v.zalo_text ELSE v.sms_text END AS Text, d.updated_at AS UpdatedAt
            FROM notice_deliveries d
            LEFT JOIN broadcast_versions v ON v.broadcast_id = d.broadcast_id AND v.run = d.run AND v.language = d.language
            WHERE d.resident_id = @rid OR d.urn IN @urns ORDER BY d.id
            """, new { rid, urns })).ToList();

        // Audit rows name ids, never numbers: those of the resident record and of their conversations (in slices, under
        // SQL Server's parameter limit).
        var targets = mine.Select(id => $"conversation:{id}").Append(held.Target).ToList();
        var audit = new List<AuditRecord>();
        foreach (var slice in targets.Chunk(500))
            audit.AddRange(await c.QueryAsync<AuditRecord>(
                "SELECT id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, outcome AS Outcome FROM audit_log WHERE target IN @slice",
                new { slice }));
        audit.Sort((a, b) => a.Id.CompareTo(b.Id));

        return new PersonalData(held.Urn, urns, now, Note, Sensitive, resident, conversations, messages, events, deliveries, audit);
    }
}
