using System.Text.RegularExpressions;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Gateway.App.Tests.Notices.Sending;

/// <summary>No SQL Server runs here: the expansion's generated INSERT … SELECT is at least parsed as T-SQL, for each shape the policy produces.</summary>
public sealed partial class NoticeSqlServerSyntaxTests
{
    private static readonly SqlDialect SqlServer = SqlDialect.For(DatabaseProvider.SqlServer);
    private static readonly ChannelRegistry Registry = new(TimeProvider.System);
    private static ChannelInstance Channel(string key, string type) => new(new ChannelOptions { Key = key, Type = type }, Registry.Find(type)!);

    public static TheoryData<string> Shapes() => ["zalo,sms", "sms", "none", "vi only"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Should_generate_valid_tsql_for_the_expansion(string shape)
    {
        var page = AudienceQuery.PageSql(SqlServer, CommuneDirectory.Default, new Audience(["04960"], ["ho-ngheo"], ["hnj"], false), "25", "", 5000)!.Value;
        List<(string, ChannelInstance)> ways = shape switch
        {
            "zalo,sms" => [("zalo", Channel("z", ChannelTypes.Zalo)), ("sms", Channel("s", ChannelTypes.Twilio))],
            "none" => [],
            _ => [("sms", Channel("s", ChannelTypes.Simulator))],
        };
        List<BroadcastExpander.Version> versions = shape == "vi only" ? [new("vi", "Tin", "Tin dài")] : [new("vi", "Tin", "Tin dài"), new("hnj", "Xov", "Xov ntev")];

        var sql = BroadcastExpander.InsertSql(page.Sql, page.Args, versions, ways);

        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(DapperList().Replace(sql, "IN (@$1)")), out var errors);
        Assert.True(errors.Count == 0, $"{shape}: {string.Join("; ", errors.Select(e => $"{e.Message} at {e.Offset}"))}\n{sql}");
        Assert.DoesNotContain("LIMIT", sql);
        Assert.StartsWith("INSERT INTO notice_deliveries", sql.TrimStart());
    }

    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex DapperList();
}
