using System.Diagnostics.Metrics;
using System.Net;
using Gateway.App.Features.ApiDocs;
using Gateway.App.Features.Logging;
using Gateway.App.Features.Metrics;
using Gateway.Channels;
using Microsoft.AspNetCore.Http;

namespace Gateway.App.Tests.Metrics;

public sealed class MetricsAccessTests
{
    private static DefaultHttpContext Request(string remote, int localPort = 5080, string? forwardedFor = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        http.Connection.LocalPort = localPort;
        if (forwardedFor is not null) http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return http;
    }

    [Fact]
    public void Loopback_only_by_default()
    {
        var access = new MetricsAccess(new MetricsOptions());
        Assert.True(access.Allows(Request("127.0.0.1")));
        Assert.True(access.Allows(Request("::1")));
        Assert.True(access.Allows(Request("::ffff:127.0.0.1")));
        Assert.False(access.Allows(Request("203.0.113.7")));
        Assert.False(access.Allows(Request("10.0.0.5")));
    }

    [Fact]
    public void The_allow_list_replaces_loopback_and_takes_addresses_and_networks()
    {
        var access = new MetricsAccess(new MetricsOptions { AllowedNetworks = ["10.1.2.0/24, 192.0.2.9"] });
        Assert.True(access.Allows(Request("10.1.2.200")));
        Assert.True(access.Allows(Request("192.0.2.9")));
        Assert.False(access.Allows(Request("192.0.2.10")));
        Assert.False(access.Allows(Request("127.0.0.1")));
        Assert.Throws<InvalidOperationException>(() => new MetricsOptions { AllowedNetworks = ["not-a-network"] }.Networks());
    }

    [Fact]
    public void A_proxied_request_or_another_port_than_the_management_port_is_refused()
    {
        Assert.False(new MetricsAccess(new MetricsOptions()).Allows(Request("127.0.0.1", forwardedFor: "203.0.113.7")));
        var port = new MetricsAccess(new MetricsOptions { Port = 9464 });
        Assert.True(port.Allows(Request("127.0.0.1", localPort: 9464)));
        Assert.False(port.Allows(Request("127.0.0.1", localPort: 5080)));
    }

    [Theory]
    [InlineData(null, 404, "unknown_channel")]
    [InlineData("twilio", 403, "signature")]
    [InlineData("zalo", 401, "signature")]
    [InlineData("twilio", 413, "too_large")]
    [InlineData("twilio", 400, "malformed")]
    [InlineData("twilio", 500, "error")]
    public void Refusals_are_labelled_by_reason(string? channel, int status, string reason) =>
        Assert.Equal(reason, GatewayMetrics.RefusalReason(channel, status));

    [Fact]
    public void Sends_are_counted_per_channel_outcome_and_a_bounded_error_code()
    {
        var seen = new List<(string Name, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == GatewayMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            var t = new Dictionary<string, object?>();
            foreach (var tag in tags) t[tag.Key] = tag.Value;
            lock (seen) seen.Add((i.Name, v, t));
        });
        listener.Start();
        var channel = "ch-" + Guid.NewGuid().ToString("N")[..8];
        GatewayMetrics.SendRecorded(channel, new SendResult.Sent("SM1", DeliveryStatus.Queued));
        GatewayMetrics.SendRecorded(channel, new SendResult.Failed(false, "21610 <script>" + new string('x', 100), "blocked"), "notice");
        lock (seen)
        {
            var mine = seen.Where(s => Equals(s.Tags.GetValueOrDefault("channel"), channel)).ToList();
            Assert.Contains(mine, s => s.Name == "gateway.sends" && Equals(s.Tags["outcome"], "sent") && Equals(s.Tags["purpose"], "conversation"));
            Assert.Contains(mine, s => s.Name == "gateway.sends" && Equals(s.Tags["outcome"], "failed") && Equals(s.Tags["purpose"], "notice"));
            var failure = Assert.Single(mine, s => s.Name == "gateway.send.failures");
            var code = (string)failure.Tags["code"]!;
            Assert.StartsWith("21610script", code);
            Assert.True(code.Length <= 32);
        }
    }

    [Fact]
    public void Only_safe_correlation_ids_are_taken_from_a_caller()
    {
        Assert.Equal("abc-123_x.y", Correlation.Accept("abc-123_x.y"));
        Assert.Null(Correlation.Accept("a b"));
        Assert.Null(Correlation.Accept("x\ny"));
        Assert.Null(Correlation.Accept(new string('a', 65)));
        Assert.Null(Correlation.Accept(null));
    }

    [Theory]
    [InlineData("api/conversations/{id:guid}/replies", "api/conversations/{id}/replies")]
    [InlineData("api/broadcasts/", "api/broadcasts")]
    [InlineData("api/x/{n:int?}", "api/x/{n}")]
    public void Example_keys_match_routes_with_constraints(string route, string key) => Assert.Equal(key, OpenApiSetup.RouteKey(route));
}
