using Dapper;
using Gateway.App.Features.Privacy;
using Gateway.App.Tests.Infrastructure;

namespace Gateway.App.Tests.Privacy;

/// <summary>Each retention pick seeks an index in the order it wants (filtered to what is left to do where it can), never scanning the table.</summary>
public sealed class RetentionIndexTests
{
    [Theory]
    [InlineData("conversations", "ix_conversations_retention")]
    [InlineData("messages", "ix_messages_conversation")]
    [InlineData("deliveries", "ix_notice_deliveries_retention")]
    [InlineData("audit", "ix_audit_retention")]
    public async Task Should_use_its_filtered_index(string kind, string index)
    {
        await using var host = await GatewayTestHost.StartAsync();
        var d = host.Db.Dialect;
        var sql = kind switch
        {
            "conversations" => RetentionJob.ConversationsDueSql(d, 500),
            "messages" => RetentionJob.MessagesDueSql(d, 500),
            "deliveries" => RetentionJob.DeliveriesDueSql(d, 500),
            _ => RetentionJob.AuditDueSql(d, 500),
        };
        await using var c = await host.OpenAsync();
        var plan = string.Join(" | ", (await c.QueryAsync<(long, long, long, string Detail)>("EXPLAIN QUERY PLAN " + sql, new { cutoff = 0L })).Select(r => r.Detail));
        Assert.Contains(index, plan);
        Assert.DoesNotContain("SCAN", plan);
        Assert.DoesNotContain("TEMP B-TREE", plan);
    }
}
