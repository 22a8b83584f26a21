using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// A landslide warning's answer: a burst of unique signed Twilio webhooks, as fast as the real process takes them.
/// Every 200 is stored exactly once once the backlog has drained, every message is routed and answered, and the
/// process's memory stays flat while the backlog waits on disk (the old design held ~4.3 KB per unrouted message).
/// No timing assertions: the figures are printed, the benchmark measures.
/// </summary>
public sealed class BurstIngestTests
{
    private static readonly int Burst = int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_TEST_BURST"), out var n) ? n : 200_000;
    private const int Connections = 96;
    /// <summary>What an in-memory backlog of 100k would cost at ~4.3 KB each is ~430 MB: a third of that is "bounded".</summary>
    private const long MaxGrowthBytes = 150L * 1024 * 1024;

    private sealed record Sample(double Seconds, long RssBytes, long Accepted, long IngestLogRows, long QueuedSends = -1);

    [Fact]
    public async Task A_burst_is_stored_once_routed_and_answered_while_memory_stays_bounded()
    {
        await using var f = await new InMemoryGatewayFixture().StartedAsync();
        await f.RunAsync(() => BurstAsync(f));
    }

    private static async Task BurstAsync(GatewayFixture f)
    {
        var pid = f.Gateway.ProcessId ?? throw new InvalidOperationException("no process id");
        var run = Guid.NewGuid().ToString("N")[..8];
        var url = f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.TwilioReceivePath;
        // Pre-built: each webhook is a new resident (so each earns its own prompt) with its own MessageSid.
        var sids = new string[Burst];
        var phones = new string[Burst];
        var bodies = new byte[Burst][];
        var signatures = new string[Burst];
        Parallel.For(0, Burst, i =>
        {
            phones[i] = "+8497" + i.ToString("D7", CultureInfo.InvariantCulture);
            sids[i] = "SM" + run + i.ToString("D24", CultureInfo.InvariantCulture);
            var form = Webhooks.TwilioInboundForm(phones[i], $"Sạt lở ở thôn {i % 97}, nhà tôi an toàn", sids[i]);
            bodies[i] = Encoding.UTF8.GetBytes(FormUrlEncode(form));
            signatures[i] = Signing.Twilio(Demo.TwilioAuthToken, url, form);
        });

        var acknowledged = new bool[Burst];
        var refused = new ConcurrentQueue<string>();
        long accepted = 0, next = -1;
        var samples = new ConcurrentQueue<Sample>();
        var clock = Stopwatch.StartNew();
        using var stopSampling = new CancellationTokenSource();
        var ingestLog = Path.Combine(f.Gateway.DataDirectory, "gateway-ingest.db");
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                // Sends waiting (queued) once a second: on the in-memory bus each is a command held in memory.
                var queued = samples.Count % 4 == 0 ? CountOrMinusOne(f.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued'") : -1;
                samples.Enqueue(new Sample(clock.Elapsed.TotalSeconds, Rss(pid), Interlocked.Read(ref accepted), CountOrMinusOne(ingestLog, "SELECT COUNT(*) FROM ingest_log"), queued));
                try { await Task.Delay(250, stopSampling.Token); } catch (OperationCanceledException) { }
            }
        });

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(30) };
        using var http = new HttpClient(handler) { BaseAddress = f.Gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(120) };
        var workers = Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            for (long i; (i = Interlocked.Increment(ref next)) < Burst;)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Webhooks.TwilioReceivePath) { Content = new ByteArrayContent(bodies[i]) };
                request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
                request.Headers.TryAddWithoutValidation("X-Twilio-Signature", signatures[i]);
                request.Headers.UserAgent.ParseAdd("TwilioProxy/1.1");
                try
                {
                    using var response = await http.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK) { acknowledged[i] = true; Interlocked.Increment(ref accepted); }
                    else refused.Enqueue($"#{i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    refused.Enqueue($"#{i}: {e.GetBaseException().Message}");
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var sendSeconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"[burst] {accepted} of {Burst} webhooks answered 200 in {sendSeconds:0.0} s ({accepted / sendSeconds:0}/s) over {Connections} connections");
        Assert.True(refused.IsEmpty, $"{refused.Count} webhooks were not answered 200, e.g. {string.Join("; ", refused.Take(5))}");

        // The backlog drains: the log empties, nothing waits to be routed, every resident has had an answer.
        var storedCount = await Eventually.Until("the backlog to drain (ingest log empty, nothing unrouted, a prompt per message at the fake)",
            () => Task.FromResult((Log: CountOrMinusOne(ingestLog, "SELECT COUNT(*) FROM ingest_log"),
                Unrouted: Count(f.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'"),
                Stored: Count(f.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'in'"),
                AtFake: (long)f.Twilio.Messages.Count)),
            s => s.Log == 0 && s.Unrouted == 0 && s.Stored >= accepted && s.AtFake >= s.Stored, f.Gateway, TimeSpan.FromMinutes(15));
        var drainSeconds = clock.Elapsed.TotalSeconds - sendSeconds;
        await stopSampling.CancelAsync();
        await sampler;
        Console.WriteLine($"[burst] drained {storedCount.Stored} messages and {storedCount.AtFake} prompts {drainSeconds:0.0} s after the last webhook ({storedCount.Stored / Math.Max(0.1, drainSeconds):0}/s beyond ingest)");

        // Every 200 stored exactly once, none missing (the MessageSid is the provider id).
        var stored = ProviderIds(f.Gateway.DatabasePath);
        var distinct = stored.ToHashSet(StringComparer.Ordinal);
        Assert.True(stored.Count == distinct.Count, $"{stored.Count - distinct.Count} messages stored more than once");
        var missing = Enumerable.Range(0, Burst).Where(i => acknowledged[i] && !distinct.Contains(sids[i])).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged webhooks are not in messages, e.g. {string.Join(", ", missing.Take(5).Select(i => sids[i]))}");
        Assert.Equal(accepted, stored.Count);
        Assert.Equal(0, Count(f.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'"));

        // A prompt reached each resident.
        var answered = f.Twilio.Messages.Select(m => m.To).ToHashSet(StringComparer.Ordinal);
        var unanswered = Enumerable.Range(0, Burst).Where(i => acknowledged[i] && !answered.Contains(phones[i])).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} residents never got a prompt at the fake Twilio, e.g. #{string.Join(", #", unanswered.Take(5))}");

        // Memory: from a quarter of the burst accepted to the peak, while the backlog waited in the ingest log.
        var all = samples.ToList();
        var quarter = all.FirstOrDefault(s => s.Accepted >= Burst / 4) ?? throw new InvalidOperationException("no sample at a quarter of the burst");
        var peak = all.Where(s => s.Seconds >= quarter.Seconds).MaxBy(s => s.RssBytes)!;
        var deepest = all.MaxBy(s => s.IngestLogRows)!;
        var growth = peak.RssBytes - quarter.RssBytes;
        Console.WriteLine($"[burst] RSS {Mb(quarter.RssBytes)} MB at {quarter.Accepted} accepted ({quarter.Seconds:0.0} s), peak {Mb(peak.RssBytes)} MB at {peak.Seconds:0.0} s: growth {Mb(growth)} MB; " +
                          $"deepest ingest log {deepest.IngestLogRows} rows at {deepest.Seconds:0.0} s; peak RSS overall {Mb(all.Max(s => s.RssBytes))} MB; {all.Count} samples");
        foreach (var s in all.Where((_, i) => i % 20 == 0))
            Console.WriteLine($"[burst]   {s.Seconds,6:0.0} s  RSS {Mb(s.RssBytes),4} MB  accepted {s.Accepted,7}  ingest log {s.IngestLogRows,7}  queued sends {s.QueuedSends,7}");
        Assert.True(deepest.IngestLogRows >= Burst / 2,
            $"the backlog should really have existed: the ingest log held at most {deepest.IngestLogRows} rows (expected ≥ {Burst / 2})");
        Assert.True(growth < MaxGrowthBytes,
            $"RSS grew {Mb(growth)} MB from {Mb(quarter.RssBytes)} MB at a quarter of the burst to {Mb(peak.RssBytes)} MB, with up to {deepest.IngestLogRows} messages backlogged (limit {Mb(MaxGrowthBytes)} MB)");
    }

    private static string FormUrlEncode(IEnumerable<KeyValuePair<string, string>> form) =>
        string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));

    private static long Mb(long bytes) => bytes / (1024 * 1024);

    /// <summary>VmRSS of the process, from /proc/{pid}/status.</summary>
    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    private static SqliteConnection OpenReadOnly(string path)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        using var busy = c.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout = 5000";
        busy.ExecuteNonQuery();
        return c;
    }

    private static long Count(string path, string sql)
    {
        using var c = OpenReadOnly(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>-1 while the file or table is not there yet (or is busy): a sample, not an assertion.</summary>
    private static long CountOrMinusOne(string path, string sql)
    {
        if (!File.Exists(path)) return -1;
        try { return Count(path, sql); }
        catch (SqliteException) { return -1; }
    }

    private static List<string> ProviderIds(string path)
    {
        using var c = OpenReadOnly(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT provider_message_id FROM messages WHERE direction = 'in'";
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
        return ids;
    }
}
