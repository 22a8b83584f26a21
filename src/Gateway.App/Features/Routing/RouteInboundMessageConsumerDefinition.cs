using MassTransit;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Retries cover transient database contention and the open-conversation race between instances; a
/// resident's messages are processed one at a time, in order, by partitioning on their key.
/// </summary>
public sealed class RouteInboundMessageConsumerDefinition : ConsumerDefinition<RouteInboundMessageConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RouteInboundMessageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000, 15000));
        var partitioner = endpointConfigurator.CreatePartitioner(Environment.ProcessorCount * 4);
        consumerConfigurator.Message<Gateway.Contracts.InboundMessageReceived>(m => m.UsePartitioner(partitioner, x => x.Message.ResidentKey));
    }
}
