using System.Text.RegularExpressions;
using Gateway.App.Features.Privacy;
using Gateway.App.Infrastructure.Database;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Gateway.App.Tests.Privacy;

/// <summary>No SQL Server runs here: the retention and erasure statements are at least parsed as T-SQL.</summary>
public sealed partial class PrivacySqlServerSyntaxTests
{
    private static readonly SqlDialect SqlServer = SqlDialect.For(DatabaseProvider.SqlServer);

    public static TheoryData<string, string> Statements() => new()
    {
        { "conversations due", RetentionJob.ConversationsDueSql(SqlServer, 500) },
        { "messages due", RetentionJob.MessagesDueSql(SqlServer, 500) },
        { "deliveries due", RetentionJob.DeliveriesDueSql(SqlServer, 500) },
        { "audit due", RetentionJob.AuditDueSql(SqlServer, 500) },
        { "conversation messages", Anonymised.ConversationMessagesSql },
        { "conversation events", Anonymised.ConversationEventsSql },
        { "conversation", Anonymised.ConversationSql },
        { "message", Anonymised.MessageSql },
        { "delivery", Anonymised.DeliverySql },
        { "audit", Anonymised.AuditSql },
        { "empty resident", ResidentErasure.EmptyResidentSql },
    };

    [Theory]
    [MemberData(nameof(Statements))]
    public void Should_be_valid_tsql(string name, string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(DapperList().Replace(sql, "IN (@$1)")), out var errors);
        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"{e.Message} at {e.Offset}"))}\n{sql}");
        Assert.DoesNotContain("LIMIT", sql);
    }

    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex DapperList();
}
