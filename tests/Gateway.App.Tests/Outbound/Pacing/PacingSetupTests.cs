using Gateway.App.Features.Channels;
using Gateway.App.Features.Outbound.Pacing;
using Gateway.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.App.Tests.Outbound.Pacing;

public sealed class PacingSetupTests
{
    [Fact]
    public void Should_pace_each_channel_at_its_configured_messages_per_second()
    {
        var time = new FakeTimeProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Channels:paced:Type"] = "simulator",
            ["Channels:paced:MessagesPerSecond"] = "2",
            ["Channels:free:Type"] = "simulator",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddSingleton(new ChannelRegistry(time))
            .AddSingleton<ChannelCatalog>()
            .AddOutboundPacing();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var pacer = provider.GetRequiredService<ChannelPacer>();

        Assert.True(pacer.WaitAsync("paced", 2, SendPriority.Notice, default).IsCompleted);
        Assert.False(pacer.WaitAsync("PACED", 1, SendPriority.Notice, default).IsCompleted); // keys ignore case, like the catalog
        for (var i = 0; i < 100; i++) Assert.True(pacer.WaitAsync("free", 1, SendPriority.Notice, default).IsCompleted);
    }
}
