using MassTransit;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Messages are routed in batches of up to 64, one batch at a time: SQLite has a single writer anyway, and
/// one batch at a time keeps each resident's messages in order. Retries cover transient database errors
/// and the open-conversation race between instances.
/// </summary>
public sealed class RouteInboundMessageConsumerDefinition : ConsumerDefinition<RouteInboundMessageConsumer>
{
    public const int BatchSize = 64;

    public RouteInboundMessageConsumerDefinition() => ConcurrentMessageLimit = BatchSize * 2;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RouteInboundMessageConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = BatchSize * 2;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(50, 200, 1000, 5000, 15000));
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(BatchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
