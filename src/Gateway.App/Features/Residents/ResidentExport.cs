using System.Text;
using Gateway.App.Features.Directory;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Residents;

/// <summary>
/// Writes a province's (or one commune's) residents as the CSV the importer reads back, page by page as they are
/// read: the response starts at once and memory stays flat however many residents there are.
/// </summary>
public sealed class ResidentExport(Db db, CommuneDirectory directory)
{
    public const int PageSize = 5000;

    /// <param name="communeCode">One commune of the province, or null for all of them.</param>
    public async Task WriteAsync(Stream output, string provinceCode, string? communeCode, CancellationToken ct = default)
    {
        var communes = directory.CommunesOf(provinceCode).Select(x => x.Code).ToArray();
        var filter = communeCode is null
            ? new ResidentFilter(communes, WholeProvince: true, [], [], [], OptedOut: null)
            : new ResidentFilter(communes, WholeProvince: false, [communeCode], [], [], OptedOut: null);
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true);
        await writer.WriteAsync(ResidentCsv.Header + "\r\n");
        await using var c = await db.OpenAsync(ct);
        var after = "";
        while (true)
        {
            var page = await ResidentStore.SelectPageAsync(c, null, db.Dialect, filter, after, PageSize);
            if (page.Count == 0) break;
            var tags = await ResidentStore.TagsOfAsync(c, null, page.Select(p => p.Id).ToArray());
            var sb = new StringBuilder(page.Count * 64);
            foreach (var r in page)
            {
                sb.Append(ResidentCsv.Field(PathOf(r.TelUrn))).Append(',')
                  .Append(ResidentCsv.Field(PathOf(r.ZaloUrn))).Append(',')
                  .Append(ResidentCsv.Field(r.CommuneCode)).Append(',')
                  .Append(ResidentCsv.Field(r.Language)).Append(',')
                  .Append(ResidentCsv.Field(string.Join(ResidentCsv.TagSeparator, tags[r.Id]))).Append("\r\n");
            }
            await writer.WriteAsync(sb, ct);
            await writer.FlushAsync(ct);
            after = page[^1].Id;
            if (page.Count < PageSize) break;
        }
    }

    private static string? PathOf(string? urn) => urn?[(urn.IndexOf(':') + 1)..];
}
