using Gateway.App.Features.Channels;
using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Features.Outbound;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Gateway.Fakes;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Channels;

/// <summary>
/// OA tokens that renew themselves, against a fake Zalo OAuth v4 server whose refresh tokens are single-use
/// (a reused one is refused and counted) and a fake OA API that accepts only live access tokens.
/// </summary>
public sealed class ZaloTokenRenewalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Key = "zalo-oa";
    private const string AppSecret = "app-secret-for-oauth-only";
    private const string UserUrn = "zalo:6284710593827461035";
    private FakeZaloOAuthServer _oauth = null!;
    private FakeZaloServer _zalo = null!;
    private FakeZaloTokenPair _seed = null!;
    private readonly List<GatewayTestHost> _hosts = [];

    public async Task InitializeAsync()
    {
        _oauth = await FakeZaloOAuthServer.StartAsync(FakeZaloServer.DefaultAppId, AppSecret, FakeZaloServer.DefaultOaId);
        _zalo = await FakeZaloServer.StartAsync();
        _zalo.TokenValidator = _oauth.IsValidAccessToken;
        _seed = _oauth.SeedPair();
    }

    public async Task DisposeAsync()
    {
        foreach (var h in _hosts) await h.DisposeAsync();
        await _zalo.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    private async Task<GatewayTestHost> StartAsync(string? folder = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Channels:{Key}:Type"] = "zalo",
            [$"Channels:{Key}:AppId"] = FakeZaloServer.DefaultAppId,
            [$"Channels:{Key}:OaSecretKey"] = FakeZaloServer.DefaultOaSecretKey,
            [$"Channels:{Key}:AppSecret"] = AppSecret,
            [$"Channels:{Key}:AccessToken"] = _seed.AccessToken,
            [$"Channels:{Key}:RefreshToken"] = _seed.RefreshToken,
            [$"Channels:{Key}:OAuthBaseUrl"] = _oauth.Url,
            [$"Channels:{Key}:ApiBaseUrl"] = _zalo.Url,
            ["ZaloTokens:FirstRetryDelay"] = "00:00:30",
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var host = await GatewayTestHost.StartAsync(output, settings: settings, folder: folder);
        _hosts.Add(host);
        return host;
    }

    /// <summary>The pair as stored now (the first pass of the renewal already renewed the seeded pair, to learn its expiry).</summary>
    private static async Task<ZaloTokenRow> PairAsync(GatewayTestHost host) =>
        (await host.Get<ZaloTokenStore>().FindAsync(FakeZaloServer.DefaultAppId))!;

    private static Task<Gateway.Channels.SendResult> SendAsync(GatewayTestHost host, string text = "Xã đã nhận phản ánh của bà con.") =>
        host.Get<OutboundSender>().SendAsync(Guid.CreateVersion7(), Key, UserUrn, text, 1, Features.Outbound.Pacing.SendPriority.Conversation, CancellationToken.None);

    [Fact]
    public async Task A_refused_token_is_renewed_once_stored_encrypted_and_the_send_goes_through()
    {
        var host = await StartAsync();
        var before = await PairAsync(host);
        var refreshes = _oauth.RefreshCount;
        _oauth.ExpireAccessTokens(); // Zalo now answers −216 to the stored token

        var result = await SendAsync(host);

        var sent = Assert.IsType<Gateway.Channels.SendResult.Sent>(result);
        Assert.Equal(refreshes + 1, _oauth.RefreshCount);
        Assert.Single(_zalo.Messages);
        var row = await PairAsync(host);
        Assert.NotEqual(before.AccessToken, row.AccessToken);
        Assert.True(_oauth.IsValidAccessToken(row.AccessToken!));
        Assert.Equal(ZaloTokenRow.Ok, row.State);
        Assert.NotNull(row.AccessExpiresAt);

        // At rest the columns hold data-protection ciphertext, never the tokens.
        var stored = await host.QueryAsync<(string Access, string Refresh)>("SELECT access_token, refresh_token FROM zalo_oa_tokens");
        var (access, refresh) = Assert.Single(stored);
        Assert.DoesNotContain(row.AccessToken!, access);
        Assert.DoesNotContain(row.RefreshToken!, refresh);
        Assert.NotEqual(row.RefreshToken, refresh);

        // The next sends use the renewed token without renewing again.
        Assert.IsType<Gateway.Channels.SendResult.Sent>(await SendAsync(host));
        Assert.Equal(refreshes + 1, _oauth.RefreshCount);
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
        Assert.NotNull(sent.ProviderMessageId);
    }

    [Fact]
    public async Task Many_sends_refused_at_once_spend_the_refresh_token_once()
    {
        var host = await StartAsync();
        var refreshes = _oauth.RefreshCount;
        _oauth.ExpireAccessTokens();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SendAsync(host, $"Tin số {i}")));

        Assert.All(results, r => Assert.IsType<Gateway.Channels.SendResult.Sent>(r));
        Assert.Equal(refreshes + 1, _oauth.RefreshCount);
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
        Assert.Equal(20, _zalo.Messages.Count);
    }

    [Fact]
    public async Task Two_instances_on_one_database_never_spend_the_same_refresh_token()
    {
        var first = await StartAsync();
        var second = await StartAsync(folder: first.Folder);
        _oauth.ResponseDelay = TimeSpan.FromMilliseconds(300); // both are waiting while one refresh is in flight
        var stale = (await PairAsync(first)).AccessToken;
        var refreshes = _oauth.RefreshCount;

        var renewals = await Task.WhenAll(new[] { first, second, first, second }.Select(h =>
            h.Get<ZaloTokens>().RenewAsync(h.Get<ChannelCatalog>().Find(Key)!, stale, "test", CancellationToken.None)));

        Assert.Equal(refreshes + 1, _oauth.RefreshCount);
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
        var token = Assert.Single(renewals.Select(r => r!.AccessToken).Distinct());
        Assert.NotEqual(stale, token);
        Assert.True(_oauth.IsValidAccessToken(token!));
    }

    [Fact]
    public async Task A_renewal_outage_parks_queued_replies_without_spending_attempts_and_they_go_after_recovery()
    {
        var host = await StartAsync(extra: new() { ["Outbound:MaxAttempts"] = "2" });
        _oauth.ExpireAccessTokens();
        _oauth.RefreshFailure = FakeRefreshFailure.ServerError;

        var id = await host.QueueOutboundAsync(Key, UserUrn, "Lịch tiếp dân thứ Năm.");
        for (var round = 0; round < 3; round++) // more rounds than MaxAttempts: a parked send never runs out of them
        {
            await host.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(id), round + 1);
            await host.SettledAsync();
            var parked = await host.MessageAsync(id);
            Assert.Equal("retrying", parked.Status);
            Assert.StartsWith(OutboundSender.ParkedPrefix, parked.ErrorCode);
            Assert.Equal(0, parked.Attempts);
            host.Time.Advance(TimeSpan.FromMinutes(1));
            await host.Hosted<OutboundRetrySweeper>().SweepAsync(CancellationToken.None);
        }
        Assert.Empty(_zalo.Messages);
        var status = Assert.Single(await host.Get<ChannelStatus>().AllAsync(), s => s.Key == Key);
        Assert.Equal(ZaloTokenRow.NeedsConsent, status.State);
        var health = await Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<ChannelHealthCheck>(host.Services).CheckHealthAsync(new());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
        Assert.Contains(Key, health.Description);

        // Zalo's OAuth is back; the renewal retries on its backoff and the parked reply goes, once.
        _oauth.RefreshFailure = FakeRefreshFailure.None;
        host.Time.Advance(TimeSpan.FromMinutes(30));
        var refreshesBefore = _oauth.RefreshCount;
        await host.Get<ZaloTokens>().RenewAsync(host.Get<ChannelCatalog>().Find(Key)!, (await host.Get<ZaloTokenStore>().FindAsync(FakeZaloServer.DefaultAppId))!.AccessToken, "retry", CancellationToken.None);
        Assert.Equal(refreshesBefore + 1, _oauth.RefreshCount);
        await host.Hosted<OutboundRetrySweeper>().SweepAsync(CancellationToken.None);
        await GatewayTestHost.EventuallyAsync(async () => (await host.MessageAsync(id)).Status == "sent", "the parked reply to be sent");
        var message = Assert.Single(_zalo.Messages);
        Assert.Equal("Lịch tiếp dân thứ Năm.", message.Text);
        Assert.Equal(1, (await host.MessageAsync(id)).Attempts);
        Assert.Equal(0, _oauth.ReusedRefreshTokens);
    }

    [Fact]
    public async Task Connect_Zalo_OA_stores_the_first_pair_through_PKCE_consent_and_a_replayed_callback_is_refused()
    {
        var host = await StartAsync();
        var connect = host.Get<ZaloConnect>();

        var url = await connect.StartAsync(Key, "phutho", CancellationToken.None);
        Assert.NotNull(url);
        Assert.StartsWith(_oauth.Url + "/v4/oa/permission?", url);
        Assert.Contains("code_challenge=", url);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await browser.GetAsync(url);
        var back = consent.Headers.Location!;
        Assert.StartsWith("https://gateway.test" + ZaloConnect.CallbackPath, back.ToString());
        var query = System.Web.HttpUtility.ParseQueryString(back.Query);

        var outcome = await connect.FinishAsync(query["state"], query["code"], CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal(Key, outcome.ChannelKey);
        var row = (await host.Get<ZaloTokenStore>().FindAsync(FakeZaloServer.DefaultAppId))!;
        Assert.True(_oauth.IsValidAccessToken(row.AccessToken!));
        Assert.True(_oauth.IsLiveRefreshToken(row.RefreshToken!));
        Assert.Equal(1, _oauth.CodeExchangeCount);
        Assert.NotNull((await connect.FinishAsync(query["state"], query["code"], CancellationToken.None)).Error);
        Assert.Equal(1, _oauth.CodeExchangeCount);
        Assert.Equal(1L, await host.ScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE action = 'channel.connect.finish' AND outcome = 'ok'"));
    }
}
