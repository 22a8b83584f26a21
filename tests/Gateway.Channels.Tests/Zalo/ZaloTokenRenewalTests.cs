using Gateway.Channels.Zalo;
using Gateway.Channels.Zns;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Zalo;

/// <summary>
/// The API fakes wired to the OAuth fake: an expired token is refused as Zalo refuses it, a refreshed one
/// works, the way the gateway's renewal loop will use them.
/// </summary>
public sealed class ZaloTokenRenewalTests
{
    private static OutboundMessage Template() =>
        new(Guid.CreateVersion7(), Urn.Phone("+84912345678"), "", null, 1, null,
            new OutboundTemplate("256789", new Dictionary<string, string> { ["ho_ten"] = "An" }));

    [Fact]
    public async Task Zns_refuses_an_expired_token_with_124_and_accepts_the_refreshed_one()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync();
        await using var zns = await FakeZnsServer.StartAsync();
        zns.TokenValidator = oauth.IsValidAccessToken;
        using var http = new HttpClient();
        var adapter = new ZnsAdapter();
        var pair = oauth.SeedPair();
        var channel = zns.ChannelOptions().WithAccessToken(pair.AccessToken);

        Assert.IsType<SendResult.Sent>(await adapter.SendAsync(Template(), channel, http, CancellationToken.None));
        oauth.ExpireAccessTokens();
        var refused = Assert.IsType<SendResult.Failed>(await adapter.SendAsync(Template(), channel, http, CancellationToken.None));
        Assert.Equal(("token:-124", FailureKind.TokenRejected), (refused.Code, refused.Kind));

        var issued = Assert.IsType<ZaloTokenResult.Issued>(
            await ZaloOAuth.RefreshAsync(http, oauth.Url, oauth.AppId, oauth.AppSecret, pair.RefreshToken, CancellationToken.None));
        Assert.IsType<SendResult.Sent>(await adapter.SendAsync(Template(), channel.WithAccessToken(issued.AccessToken), http, CancellationToken.None));
        Assert.Equal((1, 0), (oauth.RefreshCount, oauth.ReusedRefreshTokens));
    }

    [Fact]
    public async Task Zalo_oa_refuses_an_expired_token_with_216_when_wired_to_the_oauth_fake()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync();
        await using var zalo = await FakeZaloServer.StartAsync();
        zalo.TokenValidator = oauth.IsValidAccessToken;
        using var http = new HttpClient();
        var adapter = new ZaloAdapter();
        var pair = oauth.SeedPair();
        var message = new OutboundMessage(Guid.CreateVersion7(), Urn.ZaloUser("6284710593827461035"), "Thông báo", null, 1);

        // The fake's fixed token no longer counts once a validator decides.
        var fixedToken = Assert.IsType<SendResult.Failed>(await adapter.SendAsync(message, zalo.ChannelOptions(), http, CancellationToken.None));
        Assert.Equal(("token:-216", FailureKind.TokenRejected), (fixedToken.Code, fixedToken.Kind));

        var channel = zalo.ChannelOptions().WithAccessToken(pair.AccessToken);
        Assert.IsType<SendResult.Sent>(await adapter.SendAsync(message, channel, http, CancellationToken.None));
        oauth.ExpireAccessTokens();
        Assert.Equal("token:-216", Assert.IsType<SendResult.Failed>(await adapter.SendAsync(message, channel, http, CancellationToken.None)).Code);
    }

    [Fact]
    public async Task Short_lived_tokens_expire_by_the_wall_clock()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync();
        oauth.ExpiresInSeconds = 1;
        var pair = oauth.SeedPair();

        Assert.True(oauth.IsValidAccessToken(pair.AccessToken));
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        Assert.False(oauth.IsValidAccessToken(pair.AccessToken));
        Assert.True(oauth.IsLiveRefreshToken(pair.RefreshToken));
        Assert.False(oauth.IsValidAccessToken("at-never-issued"));
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_issue_one_pair()
    {
        await using var oauth = await FakeZaloOAuthServer.StartAsync();
        var pair = oauth.SeedPair();
        using var http = new HttpClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            ZaloOAuth.RefreshAsync(http, oauth.Url, oauth.AppId, oauth.AppSecret, pair.RefreshToken, CancellationToken.None)));

        Assert.Single(results.OfType<ZaloTokenResult.Issued>());
        Assert.All(results.OfType<ZaloTokenResult.Refused>(), r => Assert.True(r.Definite));
        Assert.Equal((1, 7), (oauth.RefreshCount, oauth.ReusedRefreshTokens));
    }
}
