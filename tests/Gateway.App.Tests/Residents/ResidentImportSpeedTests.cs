using System.Diagnostics;
using System.Text;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Residents;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Residents;

/// <summary>
/// A benchmark-style test: a 100,000-row file imported (then imported again as an update) and walked as an audience.
/// It checks the counts and prints the times; it does not assert them (the build machine is shared). Set
/// GATEWAY_AUDIENCE_ROWS (e.g. 1000000) to walk a bigger table.
/// </summary>
public sealed class ResidentImportSpeedTests(ITestOutputHelper output)
{
    private static readonly string[] Communes = CommuneDirectory.Default.CommunesOf("25").Select(c => c.Code).ToArray();
    private static readonly string[] Langs = ["vi", "vi", "vi", "vi", "hnj", "tyz", "mtq", ""];

    public static MemoryStream File(int rows, int offset = 0)
    {
        var sb = new StringBuilder(rows * 60).Append(ResidentCsv.Header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var n = offset + i;
            sb.Append("+8491").Append((n % 10_000_000).ToString("D7")).Append(',')
              .Append(n % 4 == 0 ? (8_000_000_000L + n).ToString() : "").Append(',')
              .Append(Communes[n % Communes.Length]).Append(',')
              .Append(Langs[n % Langs.Length]).Append(',')
              .Append(n % 5 == 0 ? "ho-ngheo;nguoi-cao-tuoi" : n % 7 == 0 ? "tre-em-duoi-6" : "").Append('\n');
        }
        return new MemoryStream(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    [Fact]
    public async Task Should_import_100k_rows_and_page_them_as_an_audience()
    {
        await using var host = await GatewayTestHost.StartAsync(output);
        var importer = host.Get<ResidentImporter>();
        var rows = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_AUDIENCE_ROWS"), out var n) ? n : 100_000;

        var file = File(100_000);
        var watch = Stopwatch.StartNew();
        var first = await importer.ImportAsync(file, "25");
        output.WriteLine($"import 100,000 new rows ({file.Length / 1024} KB): {watch.ElapsedMilliseconds} ms");
        Assert.Equal((100_000, 0, 0), (first.Imported, first.Updated, first.Rejected.Count));

        file.Position = 0;
        watch.Restart();
        var again = await importer.ImportAsync(file, "25");
        output.WriteLine($"re-import 100,000 rows (all updates): {watch.ElapsedMilliseconds} ms");
        Assert.Equal((0, 100_000, 0), (again.Imported, again.Updated, again.Rejected.Count));
        Assert.Equal(100_000, await host.ScalarAsync<long>("SELECT COUNT(*) FROM residents"));
        Assert.Equal(125_000, await host.ScalarAsync<long>("SELECT COUNT(*) FROM resident_addresses"));

        for (var offset = 100_000; offset < rows; offset += 100_000)
            await importer.ImportAsync(File(Math.Min(100_000, rows - offset), offset), "25");

        foreach (var (name, audience) in new[]
        {
            ("whole province", new Audience([], [], [], true)),
            ("one commune ∪ tag", new Audience([Communes[3]], ["tre-em-duoi-6"], [], false)),
            ("language mtq", new Audience([], [], ["mtq"], false)),
        })
        {
            watch.Restart();
            await using var c = await host.OpenAsync();
            var after = "";
            int count = 0, pages = 0;
            long slowest = 0;
            while (true)
            {
                var pageWatch = Stopwatch.StartNew();
                var page = await AudienceQuery.PageAsync(c, null, host.Db.Dialect, CommuneDirectory.Default, audience, "25", after, 5000);
                slowest = Math.Max(slowest, pageWatch.ElapsedMilliseconds);
                count += page.Count; pages++;
                if (page.Count < 5000) break;
                after = page[^1].ResidentId;
            }
            output.WriteLine($"audience {name} over {rows:N0} residents: {count:N0} members, {pages} pages, {watch.ElapsedMilliseconds} ms (slowest page {slowest} ms)");
            Assert.True(count > 0);
            if (audience.WholeProvince) Assert.Equal(rows, count);
        }
    }
}
