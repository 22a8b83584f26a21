using System.Text.Json;

namespace Gateway.Channels.Tests;

internal static class EventAssert
{
    /// <summary>Events compared by value, lists included (record equality compares lists by reference).</summary>
    public static void Equal(IEnumerable<ChannelEvent> expected, IEnumerable<ChannelEvent> actual) =>
        Assert.Equal(expected.Select(Json), actual.Select(Json));

    private static string Json(ChannelEvent e) => e.GetType().Name + JsonSerializer.Serialize<object>(e);
}
