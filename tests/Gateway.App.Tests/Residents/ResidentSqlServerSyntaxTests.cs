using System.Text.RegularExpressions;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure.Database;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Gateway.App.Tests.Residents;

/// <summary>
/// No SQL Server runs here: every statement the residents feature sends to SQL Server is at least parsed as T-SQL
/// (Dapper's <c>IN @list</c> is written as the parenthesized list it expands to).
/// </summary>
public sealed partial class ResidentSqlServerSyntaxTests
{
    private static readonly SqlDialect SqlServer = SqlDialect.For(DatabaseProvider.SqlServer);

    public static TheoryData<string, string> Statements()
    {
        string[] province = ["04960", "04963"];
        var data = new TheoryData<string, string>
        {
            { "find owners", ResidentStore.FindOwnersSql(SqlServer) },
            { "tags of", ResidentStore.TagsOfSql(SqlServer) },
            { "any imported", ResidentStore.AnyImportedSql(SqlServer) },
            { "count by commune", ResidentStore.CountByCommuneSql },
            { "insert resident", ResidentStore.ImportWriter.InsertResidentSql },
            { "insert address", ResidentStore.ImportWriter.InsertAddressSql },
            { "update resident", ResidentStore.ImportWriter.UpdateResidentSql },
            { "delete tags", ResidentStore.ImportWriter.DeleteTagsSql },
            { "insert tag", ResidentStore.ImportWriter.InsertTagSql },
        };
        foreach (var (name, filter) in new[]
        {
            ("whole province", new ResidentFilter(province, true, [], [], [], false)),
            ("union", new ResidentFilter(province, false, ["04960"], ["ho-ngheo"], ["hnj"], false)),
            ("everyone", new ResidentFilter(province, true, [], [], [], null)),
        })
        {
            data.Add($"page: {name}", ResidentStore.SelectPageCommand(SqlServer, filter, "", 5000).Sql);
            data.Add($"count: {name}", ResidentStore.CountCommand(filter).Sql);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Should_be_valid_tsql(string name, string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(DapperList().Replace(sql, "IN (@$1)")), out var errors);
        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"{e.Message} at {e.Offset}"))}\n{sql}");
        Assert.DoesNotContain("LIMIT", sql); // SQLite's page clause must not leak into SQL Server's
    }

    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex DapperList();
}
