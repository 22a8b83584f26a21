using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The embedded simulator acts as a resident's phone: the whole flow with no provider account.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class SimulatorTests(InMemoryGatewayFixture f)
{
    private async Task<List<string>> TextsSentToAsync(string number)
    {
        var inbox = await f.Api.SimulatorInboxAsync(number);
        if (!inbox.Ok) throw new InvalidOperationException($"GET /api/simulator/messages answered {(int)inbox.StatusCode}: {inbox.RawBody}");
        return inbox.Value.EnumerateArray()
            .Select(m => m.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "")
            .ToList();
    }

    [Fact]
    public Task A_simulated_resident_is_asked_for_the_commune_routed_and_sees_the_officers_reply() => f.RunAsync(async () =>
    {
        var number = Demo.NewResidentPhone();
        var marker = Flows.Marker();
        var sent = await f.Api.SimulatorSendAsync(number, $"Xin hỏi thủ tục làm giấy khai sinh ({marker})");
        Assert.True(sent.Ok, $"POST /api/simulator/messages answered {(int)sent.StatusCode}: {sent.RawBody}");

        await Eventually.Until("the simulator phone to get the question which commune",
            () => TextsSentToAsync(number), texts => texts.Any(Flows.LooksVietnamese), f.Gateway);

        Assert.True((await f.Api.SimulatorSendAsync(number, Demo.OldCommuneNameOfLienSon)).Ok);
        var conversation = await Flows.WaitForConversationAsync(f, Demo.LienSonCode, Demo.LienSonOfficer, marker);
        Assert.Contains("simulator", conversation.Channel ?? "", StringComparison.OrdinalIgnoreCase);
        await Eventually.Until($"the simulator phone to get tracking code {conversation.TrackingCode}",
            () => TextsSentToAsync(number), texts => texts.Any(t => t.Contains(conversation.TrackingCode!, StringComparison.Ordinal)), f.Gateway);

        var replyText = $"Mời bà con mang giấy chứng sinh lên xã ({Flows.Marker()})";
        Assert.True((await f.Api.ReplyAsync(conversation.Id, replyText, Demo.LienSonOfficer, Guid.NewGuid().ToString())).Ok);
        await Eventually.Until("the simulator phone to get the reply",
            () => TextsSentToAsync(number), texts => texts.Contains(replyText), f.Gateway);
    });

    [Fact]
    public Task A_simulated_phone_is_stored_as_sim_never_as_the_real_number() => f.RunAsync(async () =>
    {
        var number = Demo.NewResidentPhone();
        Assert.True((await f.Api.SimulatorSendAsync(number, $"Hỏi thử ({Flows.Marker()})")).Ok);
        await Eventually.Until("the simulator phone to get an answer", () => TextsSentToAsync(number), texts => texts.Count > 0, f.Gateway);

        var cells = DatabaseInspector.Rows(f.Gateway.DatabasePath).SelectMany(r => r.Texts).ToList();
        Assert.Contains("sim:" + number, cells);
        Assert.DoesNotContain("tel:" + number, cells);
    });
}
