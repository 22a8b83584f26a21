using MassTransit;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// Sends are claimed and recorded in batches of up to 32 (two commits per batch); a few batches run at
/// once so one slow provider call does not hold up every other send. Only database hiccups are retried
/// here: provider failures are scheduled in the table by the consumer (a broker redelivery loop is not a
/// scheduler).
/// </summary>
public sealed class SendOutboundMessageConsumerDefinition : ConsumerDefinition<SendOutboundMessageConsumer>
{
    public const int BatchSize = 32;
    public const int ConcurrentBatches = 4;

    public SendOutboundMessageConsumerDefinition() => ConcurrentMessageLimit = BatchSize * ConcurrentBatches;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendOutboundMessageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = BatchSize * ConcurrentBatches;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(100, 500, 2000));
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(ConcurrentBatches));
    }
}
