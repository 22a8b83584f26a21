using Gateway.Fakes;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>Fake Twilio + fake Zalo + one real gateway process wired to them.</summary>
public class GatewayFixture : IAsyncLifetime
{
    public FakeTwilioServer Twilio { get; private set; } = null!;
    public FakeZaloServer Zalo { get; private set; } = null!;
    public GatewayProcess Gateway { get; private set; } = null!;
    public GatewayApi Api { get; private set; } = null!;

    /// <summary>Extra environment for the gateway (e.g. a channel's DefaultCommune).</summary>
    public Dictionary<string, string> ExtraEnvironment { get; } = new();

    protected virtual Task<GatewaySettings> SettingsAsync(GatewaySettings defaults) => Task.FromResult(defaults);

    public async Task InitializeAsync()
    {
        Twilio = await FakeTwilioServer.StartAsync(Demo.TwilioAccountSid, Demo.TwilioAuthToken);
        Zalo = await FakeZaloServer.StartAsync(Demo.ZaloAccessToken, Demo.ZaloAppId, Demo.ZaloOaSecretKey, Demo.ZaloOaId);
        var settings = await SettingsAsync(new GatewaySettings
        {
            TwilioApiBaseUrl = new Uri(Twilio.Url), ZaloApiBaseUrl = new Uri(Zalo.Url), Extra = ExtraEnvironment,
        });
        Gateway = await GatewayProcess.StartNewAsync(settings);
        Api = new GatewayApi(Gateway);
    }

    public virtual async Task DisposeAsync()
    {
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Twilio is not null) await Twilio.DisposeAsync();
        if (Zalo is not null) await Zalo.DisposeAsync();
    }

    /// <summary>Runs a test body; any failure is rethrown with the gateway's recent output attached.</summary>
    public async Task RunAsync(Func<Task> body)
    {
        try { await body(); }
        catch (Exception e) when (e is not GatewayFailedException)
        {
            throw new GatewayFailedException(e.Message, Gateway, e);
        }
    }
}

/// <summary>The embedded default: SQLite + in-memory bus.</summary>
public sealed class InMemoryGatewayFixture : GatewayFixture;

/// <summary>A fixture a test starts itself (e.g. only when a dependency is present), for use with await using.</summary>
public static class GatewayFixtureExtensions
{
    public static T WithEnvironment<T>(this T fixture, IReadOnlyDictionary<string, string> environment) where T : GatewayFixture
    {
        foreach (var (key, value) in environment) fixture.ExtraEnvironment[key] = value;
        return fixture;
    }

    public static async Task<T> StartedAsync<T>(this T fixture) where T : GatewayFixture
    {
        try
        {
            await fixture.InitializeAsync();
            return fixture;
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }
    }
}

/// <summary>SQLite + the real RabbitMQ, in a virtual host of its own.</summary>
public sealed class RabbitMqGatewayFixture : GatewayFixture
{
    private RabbitMqVhost? _vhost;

    protected override async Task<GatewaySettings> SettingsAsync(GatewaySettings defaults)
    {
        _vhost = await RabbitMqVhost.CreateAsync();
        return defaults with { Transport = "RabbitMq", RabbitMq = _vhost.Settings };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_vhost is not null) await _vhost.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class InMemoryGatewayCollection : ICollectionFixture<InMemoryGatewayFixture>
{
    public const string Name = "gateway on SQLite + in-memory bus";
}
