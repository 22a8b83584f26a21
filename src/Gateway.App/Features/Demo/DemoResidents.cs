using System.Text;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;

namespace Gateway.App.Features.Demo;

/// <summary>
/// About 2,000 made-up residents of Phú Thọ (25) for the demo's broadcasts: the same every time (fixed seed), written
/// as a CSV and fed through <see cref="ResidentImporter"/> like an officer's list, then a few follow-ups that a list
/// cannot say (who opted out, who follows the Zalo OA and wrote lately).
/// </summary>
/// <remarks>
/// Vietnam's numbering plan reserves no range for fiction or tests (there is no counterpart of Ofcom's drama numbers),
/// so the demo keeps to one block, <c>+84 52 000 xxxx</c> (052 is a newer Vietnamobile allocation), and the demo
/// sends only to the simulator and the local fakes. Zalo ids are 19 digits starting 999000.
/// </remarks>
public sealed class DemoResidents(Db db, ResidentImporter importer, CommuneDirectory directory, TimeProvider time, ILogger<DemoResidents> logger)
{
    public const string Province = "25";
    public const string LienSon = "04960";
    public const int Count = 2000;
    public const int Seed = 20251201;
    public const string PhonePrefix = "+8452000";

    public static string Phone(int i) => PhonePrefix + i.ToString("D4");
    public static string ZaloId(int i) => "999000" + i.ToString("D13");

    /// <summary>One resident of the demo, as the generator chose them (tests read the same list).</summary>
    public sealed record Person(int Index, string Commune, string Language, bool HasZalo, bool Follows, string[] Tags, bool OptsOut);

    public static IReadOnlyList<Person> People(CommuneDirectory directory)
    {
        var communes = directory.CommunesOf(Province).Select(c => c.Code).ToArray();
        var random = new Random(Seed);
        var people = new List<Person>(Count);
        for (var i = 0; i < Count; i++)
        {
            // A quarter in Liên Sơn (the demo's commune officer), the rest spread over the province.
            var commune = random.Next(4) == 0 ? LienSon : communes[random.Next(communes.Length)];
            var l = random.Next(100);
            var language = l < 70 ? "vi" : l < 80 ? "mtq" : l < 85 ? "blt" : l < 90 ? "hnj" : l < 95 ? "tyz" : "";
            var hasZalo = random.Next(100) < 30;
            var follows = hasZalo && random.Next(100) < 60;
            var tags = new List<string>();
            if (random.Next(100) < 15) tags.Add("ho-ngheo");
            if (random.Next(100) < 10) tags.Add("tre-em-duoi-6");
            if (random.Next(100) < 15) tags.Add("nguoi-cao-tuoi");
            people.Add(new Person(i, commune, language, hasZalo, follows, [.. tags], OptsOut: random.Next(100) == 0));
        }
        return people;
    }

    public static string Csv(IEnumerable<Person> people)
    {
        var sb = new StringBuilder(ResidentCsv.Header).Append('\n');
        foreach (var p in people)
            sb.Append(Phone(p.Index)).Append(',').Append(p.HasZalo ? ZaloId(p.Index) : "").Append(',')
              .Append(p.Commune).Append(',').Append(p.Language).Append(',').Append(string.Join(';', p.Tags)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Seeds the demo residents unless some resident was already imported (by the demo or by an officer).</summary>
    public async Task SeedAsync(CancellationToken ct = default)
    {
        await using (var check = await db.OpenAsync(ct))
            if (await ResidentStore.AnyImportedAsync(check, db.Dialect)) return;

        var people = People(directory);
        var result = await importer.ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(Csv(people))), Province, ct);

        var now = time.NowMs();
        await using var c = await db.OpenAsync(ct);
        using (await db.WriteLockAsync(ct: ct))
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            foreach (var p in people.Where(p => p.OptsOut || p.HasZalo))
            {
                var phone = Urn.Phone(Phone(p.Index)).ToString();
                var zalo = Urn.ZaloUser(ZaloId(p.Index)).ToString();
                if (p.OptsOut && await ResidentStore.FindByAddressAsync(c, tx, phone) is { } r) await ResidentStore.OptOutAsync(c, tx, r.Id, now);
                if (!p.HasZalo) continue;
                await ResidentStore.SetFollowingAsync(c, tx, zalo, p.Follows, now);
                // Followers wrote within the last day: Zalo's free reply window is open, so a notice goes there.
                if (p.Follows) await ResidentStore.TouchInboundAsync(c, tx, zalo, now - TimeSpan.FromHours(1 + p.Index % 20).Ticks / TimeSpan.TicksPerMillisecond);
            }
            await tx.CommitAsync(ct);
        }
        logger.LogInformation("Demo residents ready: {Imported} imported into Phú Thọ ({Rejected} rejected)", result.Imported, result.Rejected.Count);
    }
}
