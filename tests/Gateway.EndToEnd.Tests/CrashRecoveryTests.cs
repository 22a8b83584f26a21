using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Kill -9 the gateway while signed webhooks are in flight, start it again on the same database: every webhook
/// that was answered 200 is in the database exactly once and reaches its commune's inbox.
/// </summary>
public sealed partial class CrashRecoveryTests
{
    private static readonly int Webhooks = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_TEST_CRASH_WEBHOOKS"), out var n) ? n : 2000;
    private const int Residents = 40;     // conversations stay within one page of the inbox
    private const int Concurrency = 32;   // bounded, loopback only

    [Fact]
    public async Task Acknowledged_webhooks_survive_a_hard_kill_exactly_once_on_the_in_memory_bus()
    {
        await using var f = await Configure(new InMemoryGatewayFixture()).StartedAsync();
        await f.RunAsync(() => KillMidLoadAndVerifyAsync(f));
    }

    [RabbitMqFact]
    public async Task Acknowledged_webhooks_survive_a_hard_kill_exactly_once_on_RabbitMq()
    {
        await using var f = await Configure(new RabbitMqGatewayFixture()).StartedAsync();
        await f.RunAsync(() => KillMidLoadAndVerifyAsync(f));
    }

    /// <summary>Every Twilio message goes straight to Liên Sơn (the channel's default commune): no question, no held messages.</summary>
    private static T Configure<T>(T fixture) where T : GatewayFixture
    {
        fixture.ExtraEnvironment[$"Channels__{Demo.TwilioKey}__DefaultCommune"] = Demo.LienSonCode;
        return fixture;
    }

    [GeneratedRegex(@"\[(k[0-9a-f]{6}-\d{5})\]")]
    private static partial Regex MarkerPattern();

    private static async Task KillMidLoadAndVerifyAsync(GatewayFixture f)
    {
        var run = "k" + Guid.NewGuid().ToString("N")[..6];
        string MarkerOf(int i) => $"{run}-{i:D5}";
        var phones = Enumerable.Range(0, Residents).Select(_ => Demo.NewResidentPhone()).ToArray();
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var refused = new ConcurrentBag<string>();
        var killAfter = Webhooks / 2;
        var killed = 0;
        var publicUrl = f.Gateway.BaseUrl.ToString().TrimEnd('/') + Infrastructure.Webhooks.TwilioReceivePath;

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = f.Gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

        await Parallel.ForEachAsync(Enumerable.Range(0, Webhooks), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) =>
        {
            var form = Infrastructure.Webhooks.TwilioInboundForm(phones[i % Residents], $"Tin thử tải số {i} [{MarkerOf(i)}]", Demo.NewTwilioSid());
            try
            {
                using var response = await Infrastructure.Webhooks.PostTwilioFormAsync(http, f.Gateway.BaseUrl, Infrastructure.Webhooks.TwilioReceivePath, form);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged[i] = true;
                    // The worker that completes the killAfter-th acknowledgement pulls the plug while the others are in flight.
                    if (acknowledged.Count >= killAfter && Interlocked.Exchange(ref killed, 1) == 0) f.Gateway.Kill();
                }
                else if (Volatile.Read(ref killed) == 0)
                {
                    refused.Add($"#{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                if (Volatile.Read(ref killed) == 0) refused.Add($"#{i}: {e.GetBaseException().Message}");
            }
        });

        Assert.True(killed == 1, $"the gateway should have been killed after {killAfter} acknowledgements; only {acknowledged.Count} of {Webhooks} were acknowledged");
        Assert.True(refused.IsEmpty, "before the kill every signed webhook should be acknowledged; refused: " + string.Join("; ", refused.Take(5)));
        Assert.False(f.Gateway.IsRunning);

        await f.Gateway.StartAsync();
        f.Api.ForgetTokens();

        var expected = acknowledged.Keys.Select(MarkerOf).ToHashSet();

        // Every acknowledged message reaches Liên Sơn's inbox.
        Dictionary<string, int> seen;
        try
        {
            seen = await Eventually.Until($"all {expected.Count} acknowledged messages in Liên Sơn's inbox",
                () => InboxMarkerCountsAsync(f, run), counts => expected.All(counts.ContainsKey), f.Gateway, TimeSpan.FromSeconds(120));
        }
        catch (GatewayFailedException)
        {
            seen = await InboxMarkerCountsAsync(f, run);
        }
        var missing = expected.Where(m => !seen.ContainsKey(m)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Count} acknowledged messages never reached the inbox (within 120 s of the restart), e.g. {string.Join(", ", missing.Order().Take(5))}; {DescribeInDatabase(f.Gateway.DatabasePath, missing.Order().Take(3))}");

        // Exactly once in the inbox (unacknowledged ones that made it in are allowed, but also only once).
        var duplicated = seen.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
        Assert.True(duplicated.Count == 0, "messages shown more than once: " + string.Join(", ", duplicated.Take(10)));

        // Exactly once in the database: in no table does any marker appear in more than one row, and some table holds them all.
        var perTable = DatabaseMarkerRows(f.Gateway.DatabasePath, run);
        foreach (var (table, counts) in perTable)
        {
            var twice = counts.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key}×{kv.Value}").ToList();
            Assert.True(twice.Count == 0, $"table {table} holds messages more than once: {string.Join(", ", twice.Take(10))}");
        }
        Assert.Contains(perTable, t => expected.All(t.Value.ContainsKey));
    }

    /// <summary>Where the first missing messages are in the database (diagnostics for a red test).</summary>
    private static string DescribeInDatabase(string path, IEnumerable<string> markers)
    {
        var parts = new List<string>();
        foreach (var marker in markers)
        {
            var rows = DatabaseInspector.RowsContaining(path, marker);
            parts.Add($"{marker}: " + (rows.Count == 0 ? "in no table" : string.Join(" | ", rows.Select(r => $"{r.Table}: {r.Row}"))));
        }
        return "in the database: " + string.Join("; ", parts);
    }

    /// <summary>Marker → how many inbound messages in Liên Sơn's conversations carry it.</summary>
    private static async Task<Dictionary<string, int>> InboxMarkerCountsAsync(GatewayFixture f, string run)
    {
        var counts = new Dictionary<string, int>();
        var list = await f.Api.ConversationsAsync(Demo.LienSonCode, Demo.LienSonOfficer);
        if (!list.Ok) throw new InvalidOperationException($"inbox answered {(int)list.StatusCode}: {list.RawBody}");
        foreach (var summary in list.Value!)
        {
            var c = await f.Api.ConversationAsync(summary.Id, Demo.LienSonOfficer);
            if (!c.Ok) throw new InvalidOperationException($"conversation answered {(int)c.StatusCode}: {c.RawBody}");
            foreach (var m in c.Value!.Messages ?? [])
            {
                if (m.Direction != "in" || m.Text is null) continue;
                foreach (Match match in MarkerPattern().Matches(m.Text))
                {
                    if (!match.Groups[1].Value.StartsWith(run, StringComparison.Ordinal)) continue;
                    counts[match.Groups[1].Value] = counts.GetValueOrDefault(match.Groups[1].Value) + 1;
                }
            }
        }
        return counts;
    }

    /// <summary>Table → marker → number of rows holding it, read from the SQLite file read-only, whatever the schema.</summary>
    private static Dictionary<string, Dictionary<string, int>> DatabaseMarkerRows(string path, string run)
    {
        var result = new Dictionary<string, Dictionary<string, int>>();
        foreach (var row in DatabaseInspector.Rows(path))
        {
            var inRow = new HashSet<string>();
            foreach (var text in row.Texts)
            foreach (Match match in MarkerPattern().Matches(text))
                if (match.Groups[1].Value.StartsWith(run, StringComparison.Ordinal)) inRow.Add(match.Groups[1].Value);
            if (inRow.Count == 0) continue;
            var counts = result.TryGetValue(row.Table, out var c) ? c : result[row.Table] = [];
            foreach (var marker in inRow) counts[marker] = counts.GetValueOrDefault(marker) + 1;
        }
        return result;
    }
}
