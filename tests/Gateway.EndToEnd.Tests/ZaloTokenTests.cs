using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;
using Gateway.Fakes;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// Zalo OA tokens against the real process and a fake Zalo OAuth v4 server whose refresh tokens are single-use
/// (a reused one is refused and counted): a token that dies in the middle of a ZNS broadcast is renewed once and
/// the broadcast completes; two gateway processes on one database and one broker never spend the same refresh token.
/// </summary>
public sealed class ZaloTokenTests
{
    private const string ZnsKey = "zns";

    private static Dictionary<string, string> OAuthEnvironment(FakeZaloOAuthServer oauth, FakeZaloTokenPair seed) => new()
    {
        [$"Channels__{Demo.ZaloKey}__AppSecret"] = oauth.AppSecret,
        [$"Channels__{Demo.ZaloKey}__AccessToken"] = seed.AccessToken,
        [$"Channels__{Demo.ZaloKey}__RefreshToken"] = seed.RefreshToken,
        [$"Channels__{Demo.ZaloKey}__OAuthBaseUrl"] = oauth.Url,
    };

    [Fact]
    public async Task A_token_that_dies_during_a_ZNS_broadcast_is_renewed_once_and_the_broadcast_completes()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync(Demo.ZaloAppId, oaId: Demo.ZaloOaId);
        await using var zns = await FakeZnsServer.StartAsync(appId: Demo.ZaloAppId, oaSecretKey: Demo.ZaloOaSecretKey, oaId: Demo.ZaloOaId);
        zns.TokenValidator = oauth.IsValidAccessToken;
        zns.DailyQuota = zns.RemainingQuota = 100_000;
        var f = new InMemoryGatewayFixture();
        foreach (var (k, v) in OAuthEnvironment(oauth, oauth.SeedPair())) f.ExtraEnvironment[k] = v;
        f.ExtraEnvironment[$"Channels__{ZnsKey}__Type"] = "zns";
        f.ExtraEnvironment[$"Channels__{ZnsKey}__ZaloOa"] = Demo.ZaloKey;
        f.ExtraEnvironment[$"Channels__{ZnsKey}__ApiBaseUrl"] = zns.Url;
        f.ExtraEnvironment[$"Channels__{ZnsKey}__MessagesPerSecond"] = "200";
        f.ExtraEnvironment["Notices__ChannelOrder"] = "zns,sms";
        f.ExtraEnvironment["Notices__SmsChannel"] = Demo.TwilioKey;
        f.ExtraEnvironment["Notices__QuietHours__Start"] = "00:00";
        f.ExtraEnvironment["Notices__QuietHours__End"] = "00:00";
        f.ExtraEnvironment["Notices__SchedulerInterval"] = "00:00:00.200";
        await using var _ = await f.StartedAsync();
        f.Zalo.TokenValidator = oauth.IsValidAccessToken;
        await f.RunAsync(async () =>
        {
            // The seeded pair's expiry is unknown, so the gateway renews it first thing.
            await Eventually.Until("the seeded pair to be renewed", () => Task.FromResult(oauth.RefreshCount), n => n >= 1, f.Gateway);
            var api = f.Api;
            var template = "e2e-zns-" + Guid.NewGuid().ToString("N")[..8];
            var created = await api.SendAsync(HttpMethod.Post, "/api/templates", Demo.ProvinceOfficer, new
            {
                key = template, title = "Cảnh báo lũ (ZNS)", category = "canh-bao",
                variables = new[] { new { name = "xa", type = "commune" }, new { name = "ngay", type = "date" } },
                bodies = new Dictionary<string, object> { ["vi"] = new { sms = "UBND {xa}: ngày {ngay} có lũ, không qua ngầm tràn.", zalo = (string?)null } },
                zns = new { templateId = "305117", parameters = new Dictionary<string, string> { ["xa"] = "ten_xa", ["ngay"] = "ngay" } },
            });
            Assert.True(created.StatusCode == HttpStatusCode.Created, created.RawBody);
            var broadcast = await api.SendAsync(HttpMethod.Post, "/api/broadcasts", Demo.ProvinceOfficer, new
            {
                templateKey = template, variables = new Dictionary<string, object> { ["xa"] = Demo.LienSonCode, ["ngay"] = "2026-12-10" },
                audience = new { wholeProvince = true }, sendAt = (string?)null, recurrence = (string?)null, emergency = false,
            });
            Assert.True(broadcast.StatusCode == HttpStatusCode.Created, broadcast.RawBody);
            var id = broadcast.Value.GetProperty("id").GetString()!;
            Assert.True((await api.SendAsync(HttpMethod.Post, $"/api/broadcasts/{id}/approve", "phuthoduyet")).Ok);

            await Eventually.Until("200 ZNS messages", () => Task.FromResult(zns.Messages.Count), n => n >= 200, f.Gateway, TimeSpan.FromSeconds(60));
            var refreshes = oauth.RefreshCount;
            oauth.ExpireAccessTokens(); // Zalo revokes the token mid-broadcast: the next sends get −124

            var done = await Eventually.Until("the broadcast to complete", () => api.SendAsync(HttpMethod.Get, $"/api/broadcasts/{id}", Demo.ProvinceOfficer),
                r => r.Ok && r.Value.GetProperty("status").GetString() == "completed", f.Gateway, TimeSpan.FromSeconds(120));
            var counts = done.Value.GetProperty("counts");

            Assert.Equal(refreshes + 1, oauth.RefreshCount);
            Assert.Equal(0, oauth.ReusedRefreshTokens);
            Assert.Equal(0, counts.GetProperty("failed").GetInt64());
            Assert.Equal(0, counts.GetProperty("unknown").GetInt64());
            var recipients = counts.GetProperty("recipients").GetInt64();
            Assert.True(recipients > 200, $"the demo province should have more than 200 residents with a phone: {recipients}");
            Assert.Equal(recipients, zns.Messages.Count);
            Assert.Equal(recipients, zns.Messages.Select(m => m.Phone).Distinct().Count());
            Assert.Empty(f.Twilio.Messages); // a refused token is not a reason to fall back to SMS
            Assert.All(zns.Messages, m => Assert.Equal("305117", m.TemplateId));
        });
    }

    [RabbitMqFact]
    public async Task Two_gateway_processes_on_one_database_never_spend_the_same_refresh_token()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync(Demo.ZaloAppId, oaId: Demo.ZaloOaId);
        oauth.ExpiresInSeconds = 3; // each pair is due for renewal about every second, so both processes keep trying
        oauth.ResponseDelay = TimeSpan.FromMilliseconds(100);
        var env = OAuthEnvironment(oauth, oauth.SeedPair());
        env["ZaloTokens__CheckInterval"] = "00:00:00.200";
        env["ZaloTokens__RenewAt"] = "0.3";
        await using var first = await new RabbitMqGatewayFixture().WithEnvironment(env).StartedAsync();
        var secondEnv = new Dictionary<string, string>(env)
        {
            ["Database__ConnectionString"] = $"Data Source={first.Gateway.DatabasePath}",
            ["Messaging__RabbitMq__VirtualHost"] = first.Gateway.Settings.RabbitMq!.VirtualHost,
        };
        await using var second = await GatewayProcess.StartNewAsync(first.Gateway.Settings with { Extra = secondEnv });
        await first.RunAsync(async () =>
        {
            await Eventually.Until("ten renewals between the two processes", () => Task.FromResult(oauth.RefreshCount), n => n >= 10, first.Gateway, TimeSpan.FromSeconds(60));
            Assert.Equal(0, oauth.ReusedRefreshTokens);
            Assert.True(first.Gateway.IsRunning && second.IsRunning);
            var renewedBy = new[] { first.Gateway.LogTail(4000), second.LogTail(4000) }.Count(log => log.Contains("token pair renewed"));
            Assert.True(renewedBy >= 1, "at least one process should log its renewals");
        });
    }
}
