using System.Net;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;
using Gateway.Fakes;
using Microsoft.Data.Sqlite;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// eSMS, the Vietnamese SMS aggregator, against the real process and a fake eSMS server: a resident's SMS to the
/// short code reaches the commune inbox and the answer goes back as brandname SMS with a delivery report; forged
/// MO calls and reports without the channel's secret are refused and store nothing; a kill -9 during a broadcast
/// over eSMS resends what was in flight under the same RequestId, so nobody gets the notice twice.
/// </summary>
public sealed class EsmsFlowTests
{
    private const string Key = "esms-lienson";

    private static async Task<(InMemoryGatewayFixture F, FakeEsmsServer Esms)> StartAsync(int? messagesPerSecond = null)
    {
        var esms = await FakeEsmsServer.StartAsync();
        var f = new InMemoryGatewayFixture();
        var env = f.ExtraEnvironment;
        env[$"Channels__{Key}__Type"] = "esms";
        env[$"Channels__{Key}__ApiKey"] = FakeEsmsServer.DefaultApiKey;
        env[$"Channels__{Key}__SecretKey"] = FakeEsmsServer.DefaultSecretKey;
        env[$"Channels__{Key}__Brandname"] = FakeEsmsServer.DefaultBrandname;
        env[$"Channels__{Key}__CpId"] = FakeEsmsServer.DefaultCpId;
        env[$"Channels__{Key}__PrivateKey"] = FakeEsmsServer.DefaultPrivateKey;
        env[$"Channels__{Key}__CallbackSecret"] = FakeEsmsServer.DefaultCallbackSecret;
        env[$"Channels__{Key}__ApiBaseUrl"] = esms.Url;
        env[$"Channels__{Key}__DefaultCommune"] = Demo.LienSonCode;
        if (messagesPerSecond is { } rate) env[$"Channels__{Key}__MessagesPerSecond"] = rate.ToString();
        env["Notices__SmsChannel"] = Key;
        env["Notices__ChannelOrder"] = "sms";
        env["Notices__QuietHours__Start"] = "00:00";
        env["Notices__QuietHours__End"] = "00:00";
        env["Notices__SchedulerInterval"] = "00:00:00.200";
        try
        {
            return (await f.StartedAsync(), esms);
        }
        catch
        {
            await esms.DisposeAsync();
            throw;
        }
    }

    private static string ReceiveUrl(GatewayFixture f) => f.Gateway.BaseUrl.ToString().TrimEnd('/') + $"/webhooks/{Key}/receive";
    private static string StatusUrl(GatewayFixture f) => f.Gateway.BaseUrl.ToString().TrimEnd('/') + $"/webhooks/{Key}/status";
    private static string NewSender() => "8491" + Random.Shared.Next(1_000_000, 9_999_999); // 091 (Vinaphone): not every 09x prefix is a network

    private static long Count(GatewayFixture f, string sql, object? args = null)
    {
        using var c = new SqliteConnection($"Data Source={f.Gateway.DatabasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var p in args?.GetType().GetProperties() ?? []) cmd.Parameters.AddWithValue("$" + p.Name, p.GetValue(args));
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_short_code_SMS_reaches_the_inbox_and_the_answer_goes_back_over_eSMS_with_its_delivery_report()
    {
        var (f, esms) = await StartAsync();
        await using var _ = f;
        await using var __ = esms;
        await f.RunAsync(async () =>
        {
            var sender = NewSender();
            var marker = Flows.Marker();
            var text = $"Đường lên bản bị sạt lở, xe không qua được ({marker})";
            var smsId = FakeEsmsServer.NewSmsId();

            using (var mo = await esms.SendMoAsync(ReceiveUrl(f), sender, text, smsId))
            {
                Assert.Equal(HttpStatusCode.OK, mo.StatusCode);
                var xml = await mo.Content.ReadAsStringAsync();
                Assert.Contains($"<Smsid>{smsId}</Smsid>", xml);
                Assert.StartsWith("<ClientResponse>", xml.TrimStart());
            }
            // eSMS retries a call it thinks failed: the same smsid is answered 200 and stored once.
            using (var again = await esms.SendMoAsync(ReceiveUrl(f), sender, text, smsId))
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);

            var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);
            Assert.Equal(text, Assert.Single(conversation.Messages!, m => m.Direction == "in").Text);
            Assert.Equal(1, Count(f, "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND provider_message_id = $smsId", new { smsId }));

            // The acknowledgement with the tracking code, as brandname SMS to the resident's number.
            var ack = await Eventually.Until("the acknowledgement over eSMS", () => Task.FromResult(esms.Messages.FirstOrDefault(m => m.Phone == sender)),
                m => m is not null && m.Content.Contains(conversation.TrackingCode!), f.Gateway);
            Assert.Equal(FakeEsmsServer.DefaultBrandname, ack!.Brandname);

            var replyText = $"Xã đã báo đội công trình, chiều nay sẽ thông đường. ({Flows.Marker()})";
            var reply = await f.Api.ReplyAsync(conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString());
            Assert.True(reply.Ok, $"POST replies answered {(int)reply.StatusCode}: {reply.RawBody}");
            var sent = await Eventually.Until("the reply over eSMS", () => Task.FromResult(esms.Messages.FirstOrDefault(m => m.Content == replyText)),
                m => m is not null, f.Gateway);
            Assert.Equal(sender, sent!.Phone);
            Assert.Equal("1", sent.IsUnicode); // Vietnamese with diacritics
            Assert.Contains($"/webhooks/{Key}/status", sent.CallbackUrl);
            Assert.Contains("secret=", sent.CallbackUrl);

            Assert.Equal(HttpStatusCode.OK, await esms.DeliverAsync(sent.SmsId));
            await Flows.WaitForConversationStateAsync(f, conversation.Id, Demo.LienSonOfficer, "the eSMS reply marked delivered",
                c => c.Messages?.Single(m => m.Direction == "out" && m.Text == replyText).Status == "delivered");
        });
    }

    [Fact]
    public async Task A_forged_MO_sign_and_a_report_without_the_secret_are_refused_and_store_nothing()
    {
        var (f, esms) = await StartAsync();
        await using var _ = f;
        await using var __ = esms;
        await f.RunAsync(async () =>
        {
            var smsId = FakeEsmsServer.NewSmsId();
            using (var forged = await esms.SendMoAsync(ReceiveUrl(f), NewSender(), $"tin giả {Flows.Marker()}", smsId, forgeSign: true))
                Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Equal(0, Count(f, "SELECT COUNT(*) FROM messages WHERE provider_message_id = $smsId", new { smsId }));

            using var http = new HttpClient();
            var noSecret = await http.GetAsync(StatusUrl(f) + "?SMSID=abc&SendStatus=5&SendSuccess=1&SendFailed=0");
            Assert.Equal(HttpStatusCode.Forbidden, noSecret.StatusCode);
            var wrongSecret = await http.GetAsync(StatusUrl(f) + "?secret=guess&SMSID=abc&SendStatus=5&SendSuccess=1&SendFailed=0");
            Assert.Equal(HttpStatusCode.Forbidden, wrongSecret.StatusCode);
            Assert.Equal(0, Count(f, "SELECT COUNT(*) FROM messages WHERE status = 'delivered'"));
        });
    }

    [Fact]
    public async Task A_kill_mid_broadcast_over_eSMS_resends_what_was_in_flight_and_nobody_gets_it_twice()
    {
        var (f, esms) = await StartAsync(messagesPerSecond: 150);
        await using var _ = f;
        await using var __ = esms;
        await f.RunAsync(async () =>
        {
            var api = f.Api;
            var template = "e2e-" + Guid.NewGuid().ToString("N")[..8];
            var created = await api.SendAsync(HttpMethod.Post, "/api/templates", Demo.ProvinceOfficer, new
            {
                key = template, title = "Lịch tiêm chủng (thử)", category = "y-te",
                variables = new[] { new { name = "xa", type = "commune" } },
                bodies = new Dictionary<string, object> { ["vi"] = new { sms = "UBND {xa}: tiem chung cho tre em sang thu Bay tai tram y te.", zalo = (string?)null } },
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, created.RawBody);
            var broadcast = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, new
            {
                templateKey = template, variables = new Dictionary<string, object> { ["xa"] = Demo.LienSonCode },
                audience = new { wholeProvince = true }, sendAt = (string?)null, recurrence = (string?)null, emergency = false,
            });
            Assert.True(broadcast.StatusCode == HttpStatusCode.Created, broadcast.RawBody);
            var id = broadcast.Value.GetProperty("id").GetString()!;
            // Slow answers keep sends in flight, so the kill lands in the middle of provider calls.
            esms.DelayNext(100_000, TimeSpan.FromMilliseconds(150));
            Assert.True((await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", "phuthoduyet")).Ok);

            await Eventually.Until("300 notices at the fake eSMS", () => Task.FromResult(esms.Messages.Count), n => n >= 300, f.Gateway, TimeSpan.FromSeconds(60));
            f.Gateway.Kill();
            var requestsAtKill = esms.Requests.Count;
            await f.Gateway.StartAsync();
            api.ForgetTokens();

            var done = await Eventually.Until("the broadcast to complete after the restart", () => api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}", Demo.ProvinceOfficer),
                r => r.Ok && r.Value.GetProperty("status").GetString() == "completed", f.Gateway, TimeSpan.FromSeconds(180));
            var counts = done.Value.GetProperty("counts");
            var recipients = counts.GetProperty("recipients").GetInt64();

            // Nobody twice: every resident is one accepted message at eSMS, whatever was repeated after the kill.
            var twice = esms.Messages.GroupBy(m => m.Phone).Where(g => g.Count() > 1).ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} residents got the notice twice");
            Assert.Equal(esms.Messages.Count, esms.Messages.Select(m => m.RequestId).Distinct().Count());
            // Nothing left unknown: with a provider that refuses a repeated RequestId, an interrupted send is sent again.
            Assert.Equal(0, counts.GetProperty("unknown").GetInt64());
            Assert.Equal(recipients, esms.Messages.Count);
            Assert.True(esms.Requests.Count > requestsAtKill, "the rest should be sent after the restart");
        });
    }
}
