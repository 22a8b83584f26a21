using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>End to end over real HTTP against the gateway process, SQLite + in-memory bus, Twilio SMS.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class TwilioFlowTests(InMemoryGatewayFixture f)
{
    [Fact]
    public Task New_resident_is_asked_for_the_commune_routed_by_old_name_and_gets_a_reply_that_is_delivered() => f.RunAsync(async () =>
    {
        var registered = await Flows.NewTwilioResidentReachesLienSonAsync(f);
        await Flows.OfficerReplyIsSentAndDeliveredOverTwilioAsync(f, registered);
    });
}
