using System.Net;
using System.Net.Http.Json;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>A commune officer sees only their commune; a province officer sees the province; strangers see nothing.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class AccessControlTests(InMemoryGatewayFixture f)
{
    private static void AssertRefused(HttpStatusCode status, string what) =>
        Assert.True(status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{what}: expected 403/404, got {(int)status}");

    [Fact]
    public Task An_officer_of_another_commune_cannot_read_or_answer_while_the_province_officer_can_read() => f.RunAsync(async () =>
    {
        var r = await Flows.NewTwilioResidentReachesLienSonAsync(f);
        var id = r.Conversation.Id;

        // banho (Xã Bản Hồ, Lào Cai): no Liên Sơn inbox, no conversation, no reply, no status change.
        AssertRefused((await f.Api.ConversationsAsync(Demo.LienSonCode, Demo.BanHoOfficer)).StatusCode, "banho lists Liên Sơn's inbox");
        AssertRefused((await f.Api.ConversationAsync(id, Demo.BanHoOfficer)).StatusCode, "banho reads a Liên Sơn conversation");
        var intruderText = $"Tin trả lời không được phép ({Flows.Marker()})";
        AssertRefused((await f.Api.ReplyAsync(id, intruderText, Demo.BanHoOfficer, Guid.NewGuid().ToString())).StatusCode, "banho replies");
        AssertRefused((await f.Api.SetStatusAsync(id, "resolved", Demo.BanHoOfficer)).StatusCode, "banho changes the status");
        var own = await f.Api.ConversationsAsync(Demo.BanHoCode, Demo.BanHoOfficer);
        Assert.True(own.Ok, $"banho reads their own inbox: {(int)own.StatusCode} {own.RawBody}");
        Assert.DoesNotContain(own.Value!, c => c.Id == id);

        // phutho (province 25, Phú Thọ) reads it, through the conversation and through the commune's inbox.
        var asProvince = await f.Api.ConversationAsync(id, Demo.ProvinceOfficer);
        Assert.True(asProvince.Ok, $"phutho reads the conversation: {(int)asProvince.StatusCode} {asProvince.RawBody}");
        Assert.Equal(r.Conversation.TrackingCode, asProvince.Value!.TrackingCode);
        var inbox = await f.Api.ConversationsAsync(Demo.LienSonCode, Demo.ProvinceOfficer);
        Assert.True(inbox.Ok, $"phutho lists Liên Sơn's inbox: {(int)inbox.StatusCode} {inbox.RawBody}");
        Assert.Contains(inbox.Value!, c => c.Id == id);

        // The refused reply never left: after lienson's own reply arrives, still no trace of banho's text.
        var ownReply = $"Cán bộ xã Liên Sơn trả lời ({Flows.Marker()})";
        Assert.True((await f.Api.ReplyAsync(id, ownReply, Demo.LienSonOfficer, Guid.NewGuid().ToString())).Ok);
        await Flows.WaitForTwilioSendAsync(f, r.Phone, "lienson's reply", m => m.Body == ownReply);
        Assert.DoesNotContain(f.Twilio.Messages, m => m.Body == intruderText);
        var final = await f.Api.ConversationAsync(id, Demo.LienSonOfficer);
        Assert.DoesNotContain(final.Value!.Messages!, m => m.Text == intruderText);
        Assert.Equal("open", final.Value.Status);
    });

    [Fact]
    public Task Requests_without_a_valid_token_are_refused() => f.RunAsync(async () =>
    {
        using (var anonymous = await f.Gateway.Http.GetAsync($"/api/communes/{Demo.LienSonCode}/conversations"))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using (var forged = new HttpRequestMessage(HttpMethod.Get, $"/api/communes/{Demo.LienSonCode}/conversations"))
        {
            forged.Headers.Authorization = new("Bearer", "forged-token-" + Guid.NewGuid());
            using var response = await f.Gateway.Http.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var wrongPassword = await f.Api.RequestTokenAsync(Demo.LienSonOfficer, "not-the-password"))
            Assert.True(wrongPassword.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden,
                $"a wrong password must not get a token: {(int)wrongPassword.StatusCode}");

        using (var ok = await f.Api.RequestTokenAsync(Demo.LienSonOfficer, GatewayProcess.DemoPassword))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var token = (await ok.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
            Assert.False(string.IsNullOrEmpty(token));
        }
    });

    [Fact]
    public Task The_commune_officer_changes_the_status_and_filters_the_inbox_by_it() => f.RunAsync(async () =>
    {
        var r = await Flows.NewTwilioResidentReachesLienSonAsync(f);
        var id = r.Conversation.Id;

        var pending = await f.Api.SetStatusAsync(id, "pending", Demo.LienSonOfficer);
        Assert.True(pending.Ok, $"status → pending: {(int)pending.StatusCode} {pending.RawBody}");
        Assert.Equal("pending", (await f.Api.ConversationAsync(id, Demo.LienSonOfficer)).Value!.Status);
        Assert.Contains((await f.Api.ConversationsAsync(Demo.LienSonCode, Demo.LienSonOfficer, "pending")).Value!, c => c.Id == id);
        Assert.DoesNotContain((await f.Api.ConversationsAsync(Demo.LienSonCode, Demo.LienSonOfficer, "open")).Value!, c => c.Id == id);

        var resolved = await f.Api.SetStatusAsync(id, "resolved", Demo.LienSonOfficer);
        Assert.True(resolved.Ok, $"status → resolved: {(int)resolved.StatusCode} {resolved.RawBody}");
        Assert.Equal("resolved", (await f.Api.ConversationAsync(id, Demo.LienSonOfficer)).Value!.Status);

        var invalid = await f.Api.SetStatusAsync(id, "exploded", Demo.LienSonOfficer);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    });
}
