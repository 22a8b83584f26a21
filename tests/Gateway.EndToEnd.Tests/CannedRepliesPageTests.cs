using System.Net;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>The canned replies page: a commune officer adds one with a plain form; another commune never sees it.</summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class CannedRepliesPageTests(InMemoryGatewayFixture f)
{
    [Fact]
    public Task A_commune_officer_adds_a_canned_reply_that_only_their_commune_sees() => f.RunAsync(async () =>
    {
        var title = "Giờ tiếp dân " + Flows.Marker();
        using var lienSon = await BrowserClient.SignedInAsync(f.Gateway, Demo.LienSonOfficer);
        var page = await lienSon.GetStringAsync("/inbox/canned");
        using var add = await lienSon.PostAsync("/inbox/canned", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_af"] = BrowserClient.Token(page), ["id"] = "", ["title"] = title, ["text"] = "UBND xã tiếp dân sáng thứ Hai và thứ Năm.", ["do"] = "save",
        }));
        Assert.Equal(HttpStatusCode.SeeOther, add.StatusCode);
        Assert.Contains(title, await lienSon.GetStringAsync("/inbox/canned"));

        using var noToken = await lienSon.PostAsync("/inbox/canned", new FormUrlEncodedContent(new Dictionary<string, string> { ["title"] = "x", ["text"] = "y", ["do"] = "save" }));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);

        using var banHo = await BrowserClient.SignedInAsync(f.Gateway, Demo.BanHoOfficer);
        Assert.DoesNotContain(title, await banHo.GetStringAsync("/inbox/canned"));
    });
}
