using System.Net;
using System.Text.Json;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// List paging is clamped (issue 8, "Safe defaults"): a huge, zero or negative page or page size answers a bounded
/// page (at most 200 rows), never an error from an overflowing OFFSET or a whole-table read; a value that is not a
/// number is a 400. The audit log and the broadcast list page by a fixed size (200, keyset on the audit id).
/// </summary>
[Collection(InMemoryGatewayCollection.Name)]
public sealed class ListPagingTests(InMemoryGatewayFixture f)
{
    [Theory]
    [InlineData("page=-5&pageSize=-5")]
    [InlineData("page=0&pageSize=0")]
    [InlineData("page=2147483647&pageSize=2147483647")]
    [InlineData("page=-2147483648&pageSize=1000000")]
    [InlineData("pageSize=100000000")]
    public Task Inbox_lists_answer_a_bounded_page_for_any_page_and_size(string query) => f.RunAsync(async () =>
    {
        foreach (var (path, user) in new[]
                 {
                     ($"/api/communes/{Demo.LienSonCode}/conversations?{query}", Demo.LienSonOfficer),
                     ($"/api/provinces/25/conversations?{query}", Demo.ProvinceOfficer),
                 })
        {
            var result = await f.Api.SendAsync(HttpMethod.Get, path, user);
            Assert.True(result.StatusCode == HttpStatusCode.OK, $"{path}: {(int)result.StatusCode} {result.RawBody}");
            Assert.Equal(JsonValueKind.Array, result.Value.ValueKind);
            Assert.InRange(result.Value.GetArrayLength(), 0, 200);
        }
    });

    [Theory]
    [InlineData("page=99999999999")]
    [InlineData("pageSize=ten")]
    public Task A_page_that_is_not_a_32_bit_number_is_400(string query) => f.RunAsync(async () =>
    {
        var result = await f.Api.SendAsync(HttpMethod.Get, $"/api/communes/{Demo.LienSonCode}/conversations?{query}", Demo.LienSonOfficer);
        Assert.Equal(HttpStatusCode.BadRequest, result.StatusCode);
    });
}
