using System.Text;
using Gateway.App.Features.Directory;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Channels.Text;
using nietras.SeparatedValues;

namespace Gateway.App.Features.Residents;

public sealed record ImportRejection(int Line, string Reason);

public sealed record ImportResult(int Imported, int Updated, IReadOnlyList<ImportRejection> Rejected);

/// <summary>The file's first line is not <see cref="ResidentCsv.Header"/> (nothing was imported).</summary>
public sealed class ResidentCsvHeaderException(string message) : Exception(message);

/// <summary>
/// Imports a residents list into one province: each row is checked on its own (bad rows are reported with their line
/// and the good ones kept), a resident is matched by any of their addresses (a re-import updates, a new Zalo id is
/// linked to the person who has the phone), and rows are written in chunks of <see cref="ChunkSize"/>, each one
/// transaction under the write lock with its addresses looked up in bulk. A failure mid-file keeps the chunks already
/// committed; importing the file again is safe (it updates).
/// </summary>
public sealed class ResidentImporter(Db db, CommuneDirectory directory, Languages languages, TimeProvider time)
{
    public const int ChunkSize = 4000;
    public const int MaxTagLength = 100;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>A row that passed the checks that need no database.</summary>
    private sealed record Row(int Line, string? Tel, string? Zalo, string Commune, string? Language, string[] Tags);

    public async Task<ImportResult> ImportAsync(Stream csv, string provinceCode, CancellationToken ct = default)
    {
        var rejected = new List<ImportRejection>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal); // address → first line naming it
        int imported = 0, updated = 0;

        // The BOM Excel puts in front of UTF-8 is taken off by the reader; lines may end in CRLF or LF.
        using var text = new StreamReader(csv, Utf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        using var reader = await Sep.New(',').Reader(o => o with { HasHeader = false, DisableColCountCheck = true, Unescape = true })
            .FromAsync(text, ct);
        if (!await reader.MoveNextAsync(ct)) throw new ResidentCsvHeaderException(HeaderMessage("the file is empty"));
        var columns = ReadHeader(reader.Current);

        var chunk = new List<Row>(ChunkSize);
        await using var c = await db.OpenAsync(ct);
        while (await reader.MoveNextAsync(ct))
        {
            var row = Check(reader.Current, columns, provinceCode, seen, rejected);
            if (row is not null) chunk.Add(row);
            if (chunk.Count < ChunkSize) continue;
            var (i, u) = await WriteAsync(c, chunk, provinceCode, rejected, ct);
            imported += i; updated += u;
            chunk.Clear();
        }
        if (chunk.Count > 0)
        {
            var (i, u) = await WriteAsync(c, chunk, provinceCode, rejected, ct);
            imported += i; updated += u;
        }
        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new ImportResult(imported, updated, rejected);
    }

    private static string HeaderMessage(string problem) => $"The first line must be the header \"{ResidentCsv.Header}\": {problem}.";

    /// <summary>Column positions by name: the five columns in any order, nothing else.</summary>
    private static int[] ReadHeader(SepReader.Row header)
    {
        var names = new List<string>();
        for (var i = 0; i < header.ColCount; i++) names.Add(header[i].ToString().Trim().TrimStart('\uFEFF').Trim().ToLowerInvariant());
        var positions = ResidentCsv.Columns.Select(name => names.IndexOf(name)).ToArray();
        var missing = ResidentCsv.Columns.Where((_, i) => positions[i] < 0).ToList();
        if (missing.Count > 0)
            throw new ResidentCsvHeaderException(HeaderMessage($"missing {string.Join(", ", missing)} (found \"{string.Join(',', names)}\")"));
        var extra = names.Where(n => !ResidentCsv.Columns.Contains(n)).ToList();
        if (extra.Count > 0 || names.Count != ResidentCsv.Columns.Length)
            throw new ResidentCsvHeaderException(HeaderMessage($"unexpected column(s) {string.Join(", ", extra.DefaultIfEmpty("(repeated)"))}"));
        return positions;
    }

    private Row? Check(SepReader.Row r, int[] columns, string provinceCode, Dictionary<string, int> seen, List<ImportRejection> rejected)
    {
        var line = r.LineNumberFrom;
        if (r.ColCount == 1 && r[0].Span.Trim().IsEmpty) return null; // a blank line
        if (r.ColCount != ResidentCsv.Columns.Length)
        {
            rejected.Add(new ImportRejection(line, ImportReasons.WrongColumnCount));
            return null;
        }
        var values = new string[columns.Length];
        for (var i = 0; i < columns.Length; i++) values[i] = r[columns[i]].ToString().Trim();
        return Check(line, values, provinceCode, seen, rejected);
    }

    private Row? Check(int line, string[] values, string provinceCode, Dictionary<string, int> seen, List<ImportRejection> rejected)
    {
        Row? Reject(string reason) { rejected.Add(new ImportRejection(line, reason)); return null; }
        string phone = values[0], zalo = values[1], commune = values[2], language = values[3], tags = values[4];

        if (phone.Length == 0 && zalo.Length == 0) return Reject(ImportReasons.NoAddress);
        string? tel = null;
        if (phone.Length > 0)
        {
            if (!PhoneNumber.TryNormalize(phone, out var e164)) return Reject(ImportReasons.BadPhone);
            tel = Urn.Phone(e164).ToString();
        }
        string? zaloUrn = null;
        if (zalo.Length > 0)
        {
            if (zalo.Length > 64 || !zalo.All(char.IsAsciiDigit)) return Reject(ImportReasons.BadZaloId);
            zaloUrn = Urn.ZaloUser(zalo).ToString();
        }

        if (commune.Length == 0) return Reject(ImportReasons.NoCommune);
        var known = directory.FindCommune(commune);
        if (known is null) return Reject(ImportReasons.UnknownCommune);
        if (known.ProvinceCode != provinceCode) return Reject(ImportReasons.OtherProvince);

        string? canonical = null;
        if (language.Length > 0 && (canonical = languages.Canonical(language)) is null) return Reject(ImportReasons.UnknownLanguage);

        var tagList = tags.Split(ResidentCsv.TagSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToArray();
        if (tagList.Any(t => t.Length > MaxTagLength)) return Reject(ImportReasons.TagTooLong);

        foreach (var urn in new[] { tel, zaloUrn })
            if (urn is not null && seen.TryGetValue(urn, out var first)) return Reject(ImportReasons.Duplicate(first));
        if (tel is not null) seen[tel] = line;
        if (zaloUrn is not null) seen[zaloUrn] = line;

        return new Row(line, tel, zaloUrn, known.Code, canonical, tagList);
    }

    /// <summary>One chunk, one transaction. Rows of a chunk name distinct addresses (duplicates were rejected), so one lookup serves them all.</summary>
    private async Task<(int Imported, int Updated)> WriteAsync(System.Data.Common.DbConnection c, List<Row> rows, string provinceCode,
        List<ImportRejection> rejected, CancellationToken ct)
    {
        int imported = 0, updated = 0;
        var refused = new List<ImportRejection>();
        using (await db.WriteLockAsync(ct: ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            var urns = rows.SelectMany(r => new[] { r.Tel, r.Zalo }).OfType<string>().ToList();
            var owners = await ResidentStore.FindOwnersAsync(c, tx, urns);
            using var writer = new ResidentStore.ImportWriter(c, tx);
            var now = time.NowMs();
            foreach (var row in rows)
            {
                var byTel = row.Tel is null ? null : owners.GetValueOrDefault(row.Tel);
                var byZalo = row.Zalo is null ? null : owners.GetValueOrDefault(row.Zalo);
                if (byTel is not null && byZalo is not null && byTel.ResidentId != byZalo.ResidentId)
                {
                    refused.Add(new ImportRejection(row.Line, ImportReasons.TwoResidents));
                    continue;
                }
                var owner = byTel ?? byZalo;
                if (owner is null)
                {
                    var urnsOfRow = new[] { row.Tel, row.Zalo }.OfType<string>().ToArray();
                    await writer.InsertAsync(Guid.CreateVersion7().ToString(), urnsOfRow, row.Commune, row.Language, row.Tags, now);
                    imported++;
                    continue;
                }
                // A resident registered (by message) in another province stays theirs: an import does not move them.
                if (owner.CommuneCode is not null && directory.FindCommune(owner.CommuneCode)?.ProvinceCode is { } theirs && theirs != provinceCode)
                {
                    refused.Add(new ImportRejection(row.Line, ImportReasons.ResidentOfOtherProvince));
                    continue;
                }
                await writer.UpdateAsync(owner.ResidentId, row.Commune, row.Language, row.Tags, now);
                if (row.Tel is not null && byTel is null) await writer.AddAddressAsync(owner.ResidentId, row.Tel, now);
                if (row.Zalo is not null && byZalo is null) await writer.AddAddressAsync(owner.ResidentId, row.Zalo, now);
                updated++;
            }
            await tx.CommitAsync(ct);
        }
        rejected.AddRange(refused);
        return (imported, updated);
    }
}
