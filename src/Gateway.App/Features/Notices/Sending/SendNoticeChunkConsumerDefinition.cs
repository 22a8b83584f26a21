using MassTransit;

namespace Gateway.App.Features.Notices.Sending;

/// <summary>
/// A couple of chunks at once: each already sends ClaimSize in parallel, and the channel's pace, not the
/// number of consumers, decides the rate. Only database hiccups are retried here; provider failures are
/// scheduled in the table.
/// </summary>
public sealed class SendNoticeChunkConsumerDefinition : ConsumerDefinition<SendNoticeChunkConsumer>
{
    public SendNoticeChunkConsumerDefinition() => ConcurrentMessageLimit = 2;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SendNoticeChunkConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = 4;
        endpointConfigurator.UseMessageRetry(r => r.Intervals(200, 1000, 5000));
    }
}
