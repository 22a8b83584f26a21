using Gateway.App.Infrastructure.Database;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Gateway.App.Tests.Database;

/// <summary>No SQL Server runs here: every SQL Server migration is at least parsed as T-SQL, so a typo fails here and not at a province's first deploy.</summary>
public sealed class SqlServerMigrationSyntaxTests
{
    public static TheoryData<string> Files() => new(Migrator.Scripts(DatabaseProvider.SqlServer).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Files))]
    public void Should_parse_as_tsql(string name)
    {
        var sql = Migrator.Scripts(DatabaseProvider.SqlServer).Single(s => s.Name == name).Sql;
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        Assert.True(errors.Count == 0, $"{name}: {string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}"))}");
    }

    [Fact]
    public void Should_find_every_migration() => Assert.True(Migrator.Scripts(DatabaseProvider.SqlServer).Count >= 5);
}
