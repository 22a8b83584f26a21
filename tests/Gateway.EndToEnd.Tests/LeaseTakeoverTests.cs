using System.Globalization;
using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Two gateway processes on one SQLite database and one RabbitMQ vhost, a slow Twilio, short leases. While both
/// live, neither touches the other's sends in flight; process A is killed -9 with claimed sends at Twilio (Twilio
/// has them, A never heard back), and process B settles A's expired leases and finishes: every message reaches
/// Twilio exactly once, none left sending or unknown.
/// </summary>
public sealed class LeaseTakeoverTests
{
    private const int Residents = 1200;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TwilioDelay = TimeSpan.FromSeconds(1.5);

    private static Dictionary<string, string> Environment() => new()
    {
        ["Outbound__LeaseDuration"] = "00:00:03",
        ["Outbound__RetrySweepInterval"] = "00:00:00.250",
        ["Outbound__ReconcileInterval"] = "00:00:01",
        ["Outbound__FirstRetryDelay"] = "00:00:00.200",
        ["Outbound__MaxRetryDelay"] = "00:00:01",
    };

    [RabbitMqFact]
    public async Task A_killed_instance_s_leases_are_taken_over_after_they_expire_and_no_send_is_doubled()
    {
        var env = Environment();
        await using var a = await new RabbitMqGatewayFixture().WithEnvironment(env).StartedAsync();
        a.Twilio.SendDelay = TwilioDelay;
        var bEnv = new Dictionary<string, string>(env)
        {
            ["Database__ConnectionString"] = $"Data Source={a.Gateway.DatabasePath}",
            ["Messaging__RabbitMq__VirtualHost"] = a.Gateway.Settings.RabbitMq!.VirtualHost,
        };
        await using var b = await GatewayProcess.StartNewAsync(a.Gateway.Settings with { Extra = bEnv });
        await a.RunAsync(async () =>
        {
            // Each webhook is a new resident: each earns one prompt (the routing may run in either process).
            var phones = Enumerable.Range(0, Residents).Select(i => "+8496" + (1_000_000 + i).ToString("D7", CultureInfo.InvariantCulture)).ToArray();
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
            using var http = new HttpClient(handler) { BaseAddress = a.Gateway.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
            await Parallel.ForEachAsync(phones, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (phone, _) =>
            {
                var form = Webhooks.TwilioInboundForm(phone, "Nhà tôi bị ngập, xin hỗ trợ", Demo.NewTwilioSid());
                using var response = await Webhooks.PostTwilioFormAsync(http, a.Gateway.BaseUrl, Webhooks.TwilioReceivePath, form);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            });

            // Both alive and Twilio slow: sends are in flight under both leases for longer than a lease lasts.
            // The sweep must leave live leases alone: nothing becomes unknown, nothing is sent twice.
            await Eventually.Until("sends in flight from both processes", () => Task.FromResult(LeaseOwnersSending(a.Gateway.DatabasePath)),
                owners => owners.Count >= 2, a.Gateway, TimeSpan.FromSeconds(60));
            var watchUntil = DateTime.UtcNow + Lease * 2.5;
            var observed = 0;
            while (DateTime.UtcNow < watchUntil)
            {
                var touched = Count(a.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND (status = 'unknown' OR error_code LIKE 'interrupted%')");
                Assert.True(touched == 0, $"{touched} sends were settled as interrupted while both instances were alive and within their leases");
                AssertNoneDoubled(a);
                observed++;
                await Task.Delay(200);
            }
            Assert.True(a.Twilio.Messages.Count < Residents, "the sends should still be going on when A is killed (make Twilio slower or the batch larger)");

            // A's own claims at the moment of the kill, held at a Twilio that already has them.
            var owners = LeaseOwnersSending(a.Gateway.DatabasePath);
            var aPid = $"/{a.Gateway.ProcessId}/";
            var aOwner = owners.Keys.Single(o => o.Contains(aPid, StringComparison.Ordinal));
            a.Gateway.Kill();
            var inFlightOfA = Ids(a.Gateway.DatabasePath, "SELECT id FROM messages WHERE direction = 'out' AND status = 'sending' AND lease_owner = @owner", aOwner);
            Console.WriteLine($"[lease] watched both alive {observed} times over {(Lease * 2.5).TotalSeconds:0.0} s; killed A with {inFlightOfA.Count} sends in flight; {a.Twilio.Messages.Count} of {Residents} at Twilio");
            Assert.True(inFlightOfA.Count > 0, "A should have been killed with sends in flight");

            // B settles them (unknown → asked at Twilio → sent, or queued again and sent once) and sends the rest.
            var final = await Eventually.Until("every prompt settled by B", () => Task.FromResult(StatusCounts(a.Gateway.DatabasePath)),
                s => s.Where(kv => kv.Key is not ("sent" or "delivered")).Sum(kv => kv.Value) == 0 && s.Values.Sum() >= Residents, b, TimeSpan.FromSeconds(120));
            Console.WriteLine($"[lease] final statuses: {string.Join(", ", final.Select(kv => $"{kv.Key}={kv.Value}"))}; B's log says leases ran out: {b.LogTail(4000).Contains("leases ran out", StringComparison.Ordinal)}");

            Assert.True(b.IsRunning);
            AssertNoneDoubled(a);
            var reached = a.Twilio.Messages.Select(m => m.To).ToHashSet(StringComparer.Ordinal);
            var missing = phones.Where(p => !reached.Contains(p)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} residents' prompts never reached Twilio, e.g. {string.Join(", ", missing.Take(5))}");
            Assert.Equal(Residents, a.Twilio.Messages.Count);
            var stillOpen = Count(a.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status IN ('sending', 'unknown', 'queued', 'retrying')");
            Assert.Equal(0, stillOpen);
            var settledOfA = Count(a.Gateway.DatabasePath, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status IN ('sent', 'delivered') AND id IN (" + string.Join(',', inFlightOfA.Select(id => $"'{id}'")) + ")");
            Assert.Equal(inFlightOfA.Count, settledOfA);
        });
    }

    private static void AssertNoneDoubled(GatewayFixture f)
    {
        var doubled = f.Twilio.Messages.GroupBy(m => (m.To, m.Body)).Where(g => g.Count() > 1).Select(g => $"{g.Key.To}×{g.Count()}").ToList();
        Assert.True(doubled.Count == 0, $"{doubled.Count} prompts reached Twilio more than once: {string.Join(", ", doubled.Take(10))}");
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

    private static List<string> Ids(string path, string sql, string owner)
    {
        using var c = OpenReadOnly(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("@owner", owner);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return ids;
    }

    /// <summary>Lease owner → sends it has in flight.</summary>
    private static Dictionary<string, long> LeaseOwnersSending(string path)
    {
        using var c = OpenReadOnly(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT lease_owner, COUNT(*) FROM messages WHERE direction = 'out' AND status = 'sending' AND lease_owner IS NOT NULL GROUP BY lease_owner";
        using var reader = cmd.ExecuteReader();
        var owners = new Dictionary<string, long>();
        while (reader.Read()) owners[reader.GetString(0)] = reader.GetInt64(1);
        return owners;
    }

    private static Dictionary<string, long> StatusCounts(string path)
    {
        using var c = OpenReadOnly(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT status, COUNT(*) FROM messages WHERE direction = 'out' GROUP BY status";
        using var reader = cmd.ExecuteReader();
        var counts = new Dictionary<string, long>();
        while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }
}
