using System.Net;
using Gateway.Channels.Esms;
using Gateway.Fakes;

namespace Gateway.Channels.Tests.Esms;

/// <summary>
/// The fake's delivery reports and MO calls, received over real HTTP by a stand-in endpoint that runs the
/// adapter, as the gateway will. The fake signs MO with its own code, so a wrong rule on either side fails here.
/// </summary>
public sealed class EsmsRoundTripTests : IAsyncLifetime
{
    private readonly EsmsAdapter _adapter = new();
    private readonly List<ChannelEvent> _events = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private FakeEsmsServer _esms = null!;
    private RecordingServer _gateway = null!;
    private ChannelOptions _channel = null!;

    public async Task InitializeAsync()
    {
        _esms = await FakeEsmsServer.StartAsync();
        _channel = _esms.ChannelOptions();
        _gateway = await RecordingServer.StartAsync((request, url) =>
        {
            var kind = request.Path.EndsWith("/status", StringComparison.Ordinal) ? WebhookKind.Status : WebhookKind.Receive;
            var result = _adapter.Handle(kind, RecordingServer.ToInboundRequest(request, url), _channel);
            if (result is InboundResult.Accepted a) { lock (_events) _events.AddRange(a.Events); return (200, a.Response.Body); }
            return (((InboundResult.Rejected)result).StatusCode, "");
        });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _esms.DisposeAsync();
    }

    [Fact]
    public async Task Delivery_reports_reach_the_adapter_through_the_callback_url_it_built()
    {
        var status = _gateway.Url + "/webhooks/esms/status?channel=esms";
        var sent = Assert.IsType<SendResult.Sent>(await _adapter.SendAsync(
            new OutboundMessage(Guid.CreateVersion7(), Urn.Phone("+84912345678"), "Thông báo cúp điện", status, 1), _channel, _http, CancellationToken.None));
        var smsId = sent.ProviderMessageId;
        Assert.Equal(status + "&secret=" + FakeEsmsServer.DefaultCallbackSecret, Assert.Single(_esms.Messages).CallbackUrl);

        Assert.Equal(HttpStatusCode.OK, await _esms.ReportAsync(smsId, "7"));
        Assert.Equal(HttpStatusCode.OK, await _esms.DeliverAsync(smsId));
        Assert.Equal(HttpStatusCode.OK, await _esms.DeliverAsync(smsId, delivered: false));
        Assert.Equal(HttpStatusCode.OK, await _esms.ReportAsync(smsId, "4"));
        var forged = _esms.ReportUrl(smsId, "5", sendSuccess: 1).Replace(FakeEsmsServer.DefaultCallbackSecret, "guess");
        Assert.Equal(HttpStatusCode.Forbidden, (await _http.GetAsync(forged)).StatusCode);

        EventAssert.Equal(
            [new StatusUpdated(smsId, DeliveryStatus.Sent, null, null),
             new StatusUpdated(smsId, DeliveryStatus.Delivered, null, null),
             new StatusUpdated(smsId, DeliveryStatus.Failed, "esms:send-failed", "eSMS finished sending and no SMS was delivered (SendSuccess 0)"),
             new StatusUpdated(smsId, DeliveryStatus.Failed, "esms:refused", "eSMS refused the message (SendStatus 4)")],
            _events);
        Assert.Equal("GET", _gateway.Requests[0].Method);
    }

    [Fact]
    public async Task A_signed_MO_is_accepted_and_answered_with_the_xml_and_a_forged_one_is_403()
    {
        var receive = _gateway.Url + "/webhooks/esms/receive?channel=esms";
        var at = new DateTimeOffset(2026, 12, 2, 14, 30, 35, TimeSpan.FromHours(7));

        using (var response = await _esms.SendMoAsync(receive, "84987654321", "DK Lũ quét ở bản Mường+Tè 100%", "MO55", at))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("<ClientResponse><Message></Message><Smsid>MO55</Smsid><Receiver>84987654321</Receiver></ClientResponse>",
                await response.Content.ReadAsStringAsync());
        }
        using (var forged = await _esms.SendMoAsync(receive, "84987654321", "DK", "MO56", at, forgeSign: true))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        EventAssert.Equal(
            [new MessageReceived("MO55", Urn.Phone("+84987654321"), "8079", "DK Lũ quét ở bản Mường+Tè 100%", "DK Lũ quét ở bản Mường+Tè 100%", [], null, at)],
            _events);
    }
}
