using System.Text;
using Gateway.Channels.Simulator;

namespace Gateway.Channels.Tests.Simulator;

public class SimulatorAdapterTests
{
    private static readonly ChannelOptions Channel = new() { Key = "sim", Type = "simulator" };
    private readonly SimulatorAdapter _adapter = new();

    private InboundResult Post(string json, WebhookKind kind = WebhookKind.Receive) =>
        _adapter.Handle(kind, new InboundRequest("POST", "http://localhost/simulator", new Dictionary<string, string>(), Encoding.UTF8.GetBytes(json), "application/json"), Channel);

    [Fact]
    public void A_text_from_the_simulated_phone_becomes_a_message_with_a_new_v7_id()
    {
        var nfd = "Hủy".Normalize(NormalizationForm.FormD);
        var accepted = Assert.IsType<InboundResult.Accepted>(Post($$"""{"from":"0912 345 678","text":"{{nfd}}"}"""));
        var message = Assert.IsType<MessageReceived>(Assert.Single(accepted.Events));

        Assert.Equal(Urn.Simulated("+84912345678"), message.From);
        Assert.Equal("sim:+84912345678", message.From.ToString());
        Assert.Equal(7, Guid.Parse(message.ProviderMessageId).Version);
        Assert.Equal(nfd, message.RawText);
        Assert.Equal("Hủy", message.Text);
        Assert.Same(ProviderResponse.JsonOk, accepted.Response);

        var again = Assert.IsType<MessageReceived>(Assert.Single(Assert.IsType<InboundResult.Accepted>(Post("""{"from":"0912345678","text":"x"}""")).Events));
        Assert.NotEqual(message.ProviderMessageId, again.ProviderMessageId);
    }

    /// <summary>However the simulated phone writes its number, the address is sim:, never a real tel: address.</summary>
    [Theory]
    [InlineData("0912345678", "sim:+84912345678")]
    [InlineData("84912345678", "sim:+84912345678")]
    [InlineData("+84 912.345-678", "sim:+84912345678")]
    [InlineData("tel:+84912345678", "sim:+84912345678")]
    [InlineData("01692345678", "sim:+84392345678")] // a legacy 11-digit number, converted
    public void A_simulated_phone_has_a_sim_address_whatever_number_it_gives(string from, string urn)
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Post($$"""{"from":"{{from}}","text":"hi"}"""));
        var message = Assert.IsType<MessageReceived>(Assert.Single(accepted.Events));
        Assert.Equal(urn, message.From.ToString());
        Assert.Equal(Urn.Sim, message.From.Scheme);
        Assert.NotEqual(Urn.Tel, message.From.Scheme);
    }

    [Theory]
    [InlineData("""{"text":"hi"}""", "from")]
    [InlineData("""{"from":"","text":"hi"}""", "from")]
    [InlineData("""{"from":"0912345678"}""", "text")]
    [InlineData("""{"from":"hello","text":"hi"}""", "phone")]
    [InlineData("""{"from":"0112345678","text":"hi"}""", "phone")]
    [InlineData("not json", "JSON")]
    [InlineData("[]", "object")]
    public void Missing_or_invalid_fields_are_400_naming_them(string json, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Post(json));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Theory]
    [InlineData("delivered", DeliveryStatus.Delivered)]
    [InlineData("READ", DeliveryStatus.Read)]
    [InlineData("failed", DeliveryStatus.Failed)]
    public void The_simulated_phone_can_report_on_a_message(string status, DeliveryStatus expected)
    {
        var accepted = Assert.IsType<InboundResult.Accepted>(Post($$"""{"id":"SIM42","status":"{{status}}"}""", WebhookKind.Status));
        Assert.Equal(new StatusUpdated("SIM42", expected, null, null), Assert.Single(accepted.Events));
    }

    [Theory]
    [InlineData("""{"status":"read"}""", "id")]
    [InlineData("""{"id":"SIM42","status":"lost"}""", "status")]
    public void Bad_status_reports_are_400(string json, string field)
    {
        var rejected = Assert.IsType<InboundResult.Rejected>(Post(json, WebhookKind.Status));
        Assert.Equal(400, rejected.StatusCode);
        Assert.Contains(field, rejected.Error);
    }

    [Fact]
    public async Task Sending_is_delivered_at_once_without_the_network()
    {
        var id = Guid.CreateVersion7();
        // An HttpClient that fails any request proves no call is made.
        using var http = new HttpClient(new ThrowingHandler());
        var result = await _adapter.SendAsync(new OutboundMessage(id, Urn.Phone("+84912345678"), "Đã nhận", null, 1), Channel, http, CancellationToken.None);
        Assert.Equal(new SendResult.Sent("SIM" + id, DeliveryStatus.Delivered), result);
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            throw new InvalidOperationException("the simulator must not make network calls");
    }
}
