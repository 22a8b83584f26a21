using MassTransit;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Only database hiccups are retried here; provider failures are scheduled in the table by the consumer
/// (a broker redelivery loop is not a scheduler). Concurrency bounds the calls in flight to providers.
/// </summary>
public sealed class SendOutboundMessageConsumerDefinition : ConsumerDefinition<SendOutboundMessageConsumer>
{
    public SendOutboundMessageConsumerDefinition() => ConcurrentMessageLimit = 32;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendOutboundMessageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000));
    }
}
