using Gateway.App.Features.Notices.Sending;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Routing;
using MassTransit;

namespace Gateway.App.Infrastructure.Messaging;

public static class MessagingSetup
{
    /// <summary>MassTransit with the gateway's consumers, on the in-memory transport or RabbitMQ.</summary>
    public static IServiceCollection AddGatewayMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MessagingOptions.Section).Get<MessagingOptions>() ?? new MessagingOptions();
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumer<RouteInboundMessageConsumer, RouteInboundMessageConsumerDefinition>();
            bus.AddConsumer<SendOutboundMessageConsumer, SendOutboundMessageConsumerDefinition>();
            bus.AddConsumer<SendNoticeChunkConsumer, SendNoticeChunkConsumerDefinition>();

            if (options.Transport.Equals("RabbitMq", StringComparison.OrdinalIgnoreCase))
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    var r = options.RabbitMq;
                    cfg.Host(r.Host, r.Port, r.VirtualHost, h =>
                    {
                        h.Username(r.Username);
                        h.Password(r.Password);
                    });
                    cfg.ConfigureEndpoints(context);
                });
            }
            else if (options.Transport.Equals("InMemory", StringComparison.OrdinalIgnoreCase))
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else throw new InvalidOperationException($"Messaging:Transport '{options.Transport}' is not InMemory or RabbitMq.");
        });
        return services;
    }
}
