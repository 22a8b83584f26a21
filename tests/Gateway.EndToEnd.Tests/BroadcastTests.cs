using System.Net;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Province broadcasts against the real process: the API contract, the two-person rule, sending through the
/// fake Twilio server to the demo residents, the report, and a kill -9 in the middle of a send.
/// </summary>
public sealed class BroadcastTests
{
    private const string SecondOfficer = "phuthoduyet";

    /// <summary>Every notice goes by SMS through the fake Twilio, at any hour, at a pace a test can interrupt.</summary>
    private static InMemoryGatewayFixture Fixture(int messagesPerSecond)
    {
        var f = new InMemoryGatewayFixture();
        f.ExtraEnvironment["Notices__SmsChannel"] = Demo.TwilioKey;
        f.ExtraEnvironment["Notices__ChannelOrder"] = "sms";
        f.ExtraEnvironment["Notices__QuietHours__Start"] = "00:00";
        f.ExtraEnvironment["Notices__QuietHours__End"] = "00:00";
        f.ExtraEnvironment["Notices__SchedulerInterval"] = "00:00:00.200";
        f.ExtraEnvironment[$"Channels__{Demo.TwilioKey}__MessagesPerSecond"] = messagesPerSecond.ToString();
        // A killed process's claims are settled once their lease runs out: 5 s here instead of the default 2 min.
        f.ExtraEnvironment["Outbound__LeaseDuration"] = "00:00:05";
        return f;
    }

    /// <summary>A template of our own, so the test does not depend on the wording of the shipped ones.</summary>
    private static async Task<string> CreateTemplateAsync(GatewayApi api)
    {
        var key = "e2e-" + Guid.NewGuid().ToString("N")[..8];
        var created = await api.SendAsync(HttpMethod.Post, "/api/templates", Demo.ProvinceOfficer, new
        {
            key, title = "Cảnh báo sạt lở (thử)", category = "canh-bao",
            variables = new[] { new { name = "ngay", type = "date" }, new { name = "xa", type = "commune" } },
            bodies = new Dictionary<string, object> { ["vi"] = new { sms = "UBND {xa}: ngày {ngay} có nguy cơ sạt lở, tránh xa sườn đồi.", zalo = (string?)null } },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /api/templates: {(int)created.StatusCode} {created.RawBody}");
        return key;
    }

    private static object Broadcast(string template, object audience, object? variables = null) => new
    {
        templateKey = template,
        variables = variables ?? new Dictionary<string, object> { ["ngay"] = "2026-12-10", ["xa"] = Demo.LienSonCode },
        audience, sendAt = (string?)null, recurrence = (string?)null, emergency = false,
    };

    [Fact]
    public async Task A_broadcast_needs_a_second_officer_then_reaches_every_resident_once_and_is_reported()
    {
        await using var f = await Fixture(messagesPerSecond: 500).StartedAsync();
        await f.RunAsync(async () =>
        {
            var api = f.Api;
            var template = await CreateTemplateAsync(api);
            var audience = new { communeCodes = new[] { Demo.LienSonCode }, tags = Array.Empty<string>(), languages = Array.Empty<string>(), wholeProvince = false };

            // 400s that name the problem
            var missing = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer,
                Broadcast(template, audience, new Dictionary<string, object> { ["xa"] = Demo.LienSonCode }));
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("ngay", missing.RawBody);
            var unknown = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, Broadcast("no-such-template", audience));
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("no-such-template", unknown.RawBody);
            var foreign = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer,
                Broadcast(template, new { communeCodes = new[] { Demo.BanHoCode }, wholeProvince = false }));
            Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
            Assert.Contains(Demo.BanHoCode, foreign.RawBody);
            var empty = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, Broadcast(template, new { wholeProvince = false }));
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            var byCommuneOfficer = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.LienSonOfficer, Broadcast(template, audience));
            Assert.Equal(HttpStatusCode.Forbidden, byCommuneOfficer.StatusCode);

            var created = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, Broadcast(template, audience));
            Assert.True(created.StatusCode == HttpStatusCode.Created, created.RawBody);
            var id = created.Value.GetProperty("id").GetString()!;
            Assert.Equal("pending_approval", created.Value.GetProperty("status").GetString());

            var preview = await api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}/preview", Demo.ProvinceOfficer);
            Assert.True(preview.Ok, preview.RawBody);
            var recipients = preview.Value.GetProperty("recipients").GetInt64();
            Assert.True(recipients > 0, "the demo seeds residents in Liên Sơn: " + preview.RawBody);
            Assert.All(preview.Value.GetProperty("byCommune").EnumerateArray(), c => Assert.Equal(Demo.LienSonCode, c.GetProperty("communeCode").GetString()));
            var vi = preview.Value.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("language").GetString() == "vi");
            Assert.Contains("10/12/2026", vi.GetProperty("text").GetString());
            Assert.Contains("Liên Sơn", vi.GetProperty("text").GetString());
            Assert.Equal("UCS-2", vi.GetProperty("encoding").GetString());

            // Nothing goes before approval; the creator and a commune officer cannot approve.
            await Task.Delay(1000);
            Assert.Empty(f.Twilio.Messages);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", Demo.ProvinceOfficer)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", Demo.LienSonOfficer)).StatusCode);
            var approved = await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", SecondOfficer);
            Assert.True(approved.Ok, approved.RawBody);

            var done = await Eventually.Until("the broadcast to complete", () => api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}", Demo.ProvinceOfficer),
                r => r.Ok && r.Value.GetProperty("status").GetString() == "completed", f.Gateway, TimeSpan.FromSeconds(60));
            var counts = done.Value.GetProperty("counts");
            Assert.Equal(recipients, counts.GetProperty("recipients").GetInt64());
            Assert.Equal(recipients, counts.GetProperty("sent").GetInt64() + counts.GetProperty("delivered").GetInt64());
            Assert.Equal(0, counts.GetProperty("queued").GetInt64());

            var sms = f.Twilio.Messages;
            Assert.Equal(recipients, sms.Count);
            Assert.Equal(sms.Count, sms.Select(m => m.To).Distinct().Count());
            Assert.All(sms, m => Assert.Contains("10/12/2026", m.Body));

            var report = await api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}/report", Demo.ProvinceOfficer);
            Assert.True(report.Ok, report.RawBody);
            Assert.Equal(recipients, report.Value.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("sent").GetInt64()));
            using var csv = await f.Gateway.Http.SendAsync(await AuthorizedAsync(api, $"/api/broadcasts/{id}/report?format=csv"));
            var csvText = await csv.Content.ReadAsStringAsync();
            Assert.StartsWith("commune_code,language,channel,recipients", csvText);
            Assert.Contains(Demo.LienSonCode + ",", csvText);

            // Another province's officer sees nothing of it; a commune officer cannot list broadcasts.
            Assert.Equal(HttpStatusCode.Forbidden, (await api.SendAsync(HttpMethod.Get, "/api/broadcasts", Demo.LienSonOfficer)).StatusCode);
        });
    }

    [Fact]
    public async Task A_kill_mid_broadcast_sends_the_rest_after_restart_nobody_twice_and_settles_the_interrupted_by_asking_Twilio()
    {
        await using var f = await Fixture(messagesPerSecond: 150).StartedAsync();
        await f.RunAsync(async () =>
        {
            var api = f.Api;
            var template = await CreateTemplateAsync(api);
            var created = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, Broadcast(template, new { wholeProvince = true }));
            Assert.True(created.StatusCode == HttpStatusCode.Created, created.RawBody);
            var id = created.Value.GetProperty("id").GetString()!;
            var approved = await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", SecondOfficer);
            Assert.True(approved.Ok, approved.RawBody);

            // Sample the fake provider's count while it fills: the pace must hold (an unpaced send would deliver hundreds at once).
            var samples = new List<(double Seconds, int Count)>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            double? first = null;
            while (f.Twilio.Messages.Count < 300 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                var n = f.Twilio.Messages.Count;
                if (n > 0) { first ??= clock.Elapsed.TotalSeconds; samples.Add((clock.Elapsed.TotalSeconds - first.Value, n)); }
                await Task.Delay(50);
            }
            f.Gateway.Kill();
            Assert.True(f.Twilio.Messages.Count >= 300, "300 notices should reach the fake Twilio within 60 s");
            var segments = Gateway.Channels.Text.SmsEncoding.Analyze(f.Twilio.Messages[0].Body).Segments;
            var perSecond = 150.0 / segments; // MessagesPerSecond counts SMS segments
            // At most one second's burst, then the rate, with one claim (50) of slack for arrival jitter.
            var over = samples.Where(x => x.Count > perSecond * (x.Seconds + 2) + 50).ToList();
            Assert.True(over.Count == 0, $"faster than {perSecond:0.#} messages/s: e.g. {over.FirstOrDefault().Count} after {over.FirstOrDefault().Seconds:0.00} s");
            var beforeRestart = f.Twilio.Messages.Count;
            await f.Gateway.StartAsync();
            api.ForgetTokens();

            var done = await Eventually.Until("the broadcast to complete after the restart", () => api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}", Demo.ProvinceOfficer),
                r => r.Ok && r.Value.GetProperty("status").GetString() == "completed", f.Gateway, TimeSpan.FromSeconds(120));
            var counts = done.Value.GetProperty("counts");
            var recipients = counts.GetProperty("recipients").GetInt64();
            var unknown = counts.GetProperty("unknown").GetInt64();
            Assert.True(f.Twilio.Messages.Count > beforeRestart, "the rest should be sent after the restart");

            // Nobody twice.
            var perNumber = f.Twilio.Messages.GroupBy(m => m.To).ToDictionary(g => g.Key, g => g.Count());
            var twice = perNumber.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} residents got the notice twice");

            // Nobody missing.
            var rows = Deliveries(f.Gateway.DatabasePath, id);
            Assert.Equal(recipients, rows.Count(r => r.Status != "skipped"));
            var missing = rows.Where(r => r.Status is not ("skipped" or "unknown") && !perNumber.ContainsKey(r.Urn["tel:".Length..])).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} residents marked {string.Join(",", missing.Select(m => m.Status).Distinct())} never reached Twilio");
            Assert.All(rows.Where(r => r.Status != "skipped" && r.Status != "unknown"), r => Assert.Contains(r.Status, new[] { "sent", "delivered" }));
            // The sends in flight at the kill were settled by asking Twilio (its message list), not left unknown.
            Assert.Equal(0, unknown);
            Assert.Equal(recipients - unknown, f.Twilio.Messages.Count(m => rows.Any(r => r.Urn == "tel:" + m.To && r.Status != "unknown")));
        });
    }

    private static async Task<HttpRequestMessage> AuthorizedAsync(GatewayApi api, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await api.TokenAsync(Demo.ProvinceOfficer));
        return request;
    }

    private static List<(string Urn, string Status)> Deliveries(string databasePath, string broadcastId)
    {
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(urn, ''), status FROM notice_deliveries WHERE broadcast_id = $id";
        cmd.Parameters.AddWithValue("$id", broadcastId);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1)));
        return list;
    }
}
