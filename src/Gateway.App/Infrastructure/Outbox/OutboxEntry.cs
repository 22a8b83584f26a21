using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.Contracts;

namespace Gateway.App.Infrastructure.Outbox;

/// <summary>A message to publish once the transaction that wrote it has committed.</summary>
public sealed record OutboxEntry(Guid Id, object Message)
{
    // The only types the outbox carries; an explicit list keeps deserialization closed.
    private static readonly Dictionary<string, Type> Types = new[]
    {
        typeof(InboundMessageReceived), typeof(SendOutboundMessage), typeof(SendNoticeChunk),
    }.ToDictionary(t => t.Name);

    public static OutboxEntry For(object message) => new(Guid.CreateVersion7(), message);

    /// <summary>Writes the row inside the caller's transaction: committed with the business row or not at all.</summary>
    public Task WriteAsync(DbConnection connection, DbTransaction transaction, long now) =>
        connection.ExecuteAsync(
            "INSERT INTO outbox (id, message_type, payload, created_at) VALUES (@Id, @Type, @Payload, @Now)",
            new { Id, Type = Message.GetType().Name, Payload = JsonSerializer.Serialize(Message, Message.GetType()), Now = now },
            transaction);

    public static OutboxEntry Read(Guid id, string type, string payload) =>
        new(id, JsonSerializer.Deserialize(payload, Types.TryGetValue(type, out var t) ? t : throw new InvalidOperationException($"Unknown outbox type {type}"))!);
}
