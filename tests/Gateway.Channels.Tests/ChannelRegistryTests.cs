using Gateway.Channels.Esms;
using Gateway.Channels.Simulator;
using Gateway.Channels.Twilio;
using Gateway.Channels.Zalo;
using Gateway.Channels.Zns;

namespace Gateway.Channels.Tests;

public class ChannelRegistryTests
{
    [Theory]
    [InlineData("twilio", typeof(TwilioAdapter))]
    [InlineData("zalo", typeof(ZaloAdapter))]
    [InlineData("zns", typeof(ZnsAdapter))]
    [InlineData("simulator", typeof(SimulatorAdapter))]
    [InlineData("esms", typeof(EsmsAdapter))]
    [InlineData("Twilio", typeof(TwilioAdapter))]
    public void Finds_each_built_in_adapter_by_its_configured_type(string type, Type adapter) =>
        Assert.IsType(adapter, new ChannelRegistry().Find(type));

    [Fact]
    public void Lists_exactly_the_built_in_channels_with_distinct_types()
    {
        var registry = new ChannelRegistry();
        Assert.Equal(["twilio", "zalo", "zns", "simulator", "esms"], registry.Adapters.Select(a => a.Type));
        Assert.All(registry.Adapters, a => Assert.Same(a, registry.Find(a.Type)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sms")]
    [InlineData("zalo-zns")]
    public void Unknown_types_are_null(string type) => Assert.Null(new ChannelRegistry().Find(type));

    [Fact]
    public void Two_adapters_for_one_type_are_a_startup_error() =>
        Assert.Throws<ArgumentException>(() => new ChannelRegistry([new SimulatorAdapter(), new SimulatorAdapter()]));
}
