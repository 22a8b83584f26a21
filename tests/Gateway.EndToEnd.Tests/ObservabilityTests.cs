using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.EndToEnd.Tests.Infrastructure;

namespace Gateway.EndToEnd.Tests;

/// <summary>
/// The gateway process with JSON console logs (scopes included) and the one-line-per-hop trace on: /metrics after a
/// webhook and a send, the health endpoints, the OpenAPI document and its page, and one correlation id from the
/// webhook to the provider call with no phone number or message body anywhere in the output.
/// </summary>
public sealed class ObservabilityFixture : GatewayFixture
{
    public ObservabilityFixture()
    {
        ExtraEnvironment["Logging__Console__FormatterName"] = "json";
        ExtraEnvironment["Logging__Console__FormatterOptions__IncludeScopes"] = "true";
        ExtraEnvironment["Logging__LogLevel__Gateway.Trace"] = "Debug";
        ExtraEnvironment["Logging__LogLevel__Gateway.App.Features.Routing"] = "Debug";
        ExtraEnvironment["Logging__LogLevel__Gateway.App.Features.Outbound"] = "Debug";
    }
}

public sealed class ObservabilityTests(ObservabilityFixture f) : IClassFixture<ObservabilityFixture>
{
    /// <summary>Posts a signed Twilio SMS webhook carrying our correlation id.</summary>
    private async Task<HttpResponseMessage> TwilioWebhookAsync(string from, string body, string? correlationId = null)
    {
        var form = Webhooks.TwilioInboundForm(from, body, Demo.NewTwilioSid());
        var url = f.Gateway.BaseUrl.ToString().TrimEnd('/') + Webhooks.TwilioReceivePath;
        var request = new HttpRequestMessage(HttpMethod.Post, Webhooks.TwilioReceivePath) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Signing.Twilio(Demo.TwilioAuthToken, url, form));
        if (correlationId is not null) request.Headers.TryAddWithoutValidation("X-Correlation-Id", correlationId);
        return await f.Gateway.Http.SendAsync(request);
    }

    private static double? Sample(string scrape, string metric, params string[] labels)
    {
        foreach (var line in scrape.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal)) continue;
            if (labels.Any(l => !line.Contains(l, StringComparison.Ordinal))) continue;
            return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }
        return null;
    }

    [Fact]
    public Task Metrics_after_a_webhook_and_a_send_show_the_named_series_with_values() => f.RunAsync(async () =>
    {
        var phone = Demo.NewResidentPhone();
        using (var ok = await TwilioWebhookAsync(phone, "Hỏi về " + Flows.Marker())) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var badForm = Webhooks.TwilioInboundForm(phone, "x", Demo.NewTwilioSid());
        using (var forged = await Webhooks.PostTwilioFormAsync(f.Gateway.Http, f.Gateway.BaseUrl, Webhooks.TwilioReceivePath, badForm, signatureOverride: "forged"))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        await Flows.WaitForTwilioSendAsync(f, phone, "the commune question", _ => true);

        var key = $"channel=\"{Demo.TwilioKey}\"";
        var scrape = await Eventually.Until("/metrics to count the send", () => f.Gateway.Http.GetStringAsync("/metrics"),
            s => Sample(s, "gateway_sends_total", key, "outcome=\"sent\"") >= 1, f.Gateway);

        Assert.True(Sample(scrape, "gateway_webhooks_accepted_total", key, "kind=\"receive\"") >= 1, "accepted webhooks");
        Assert.True(Sample(scrape, "gateway_webhooks_refused_total", key, "reason=\"signature\"") >= 1, "refused for the signature");
        Assert.True(Sample(scrape, "gateway_ingest_duration_seconds_count", key) >= 1, "ingest latency histogram");
        Assert.NotNull(Sample(scrape, "gateway_ingest_duration_seconds_bucket", key, "le=\"0.05\""));
        foreach (var stage in new[] { "unrouted", "queued", "retrying", "unknown" })
            Assert.True(Sample(scrape, "gateway_backlog", key, $"stage=\"{stage}\"") >= 0, $"backlog stage {stage}");
        Assert.Equal(1, Sample(scrape, "gateway_channel_usable", key));
        Assert.Equal(1, Sample(scrape, "gateway_channel_state", key, "state=\"ok\""));
        Assert.NotNull(Sample(scrape, "gateway_channel_usable", $"channel=\"{Demo.ZaloKey}\""));
        Assert.DoesNotContain(phone, scrape);
        Assert.DoesNotContain(phone[3..], scrape);
    });

    [Fact]
    public Task Metrics_are_refused_to_a_request_that_came_through_a_proxy() => f.RunAsync(async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        using var response = await f.Gateway.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("gateway_", await response.Content.ReadAsStringAsync());
    });

    [Fact]
    public Task A_caller_outside_the_allowed_networks_gets_404() => f.RunAsync(async () =>
    {
        await using var gateway = await GatewayProcess.StartNewAsync(new GatewaySettings
        {
            Extra = new Dictionary<string, string> { ["Metrics__AllowedNetworks"] = "192.0.2.0/24" },
        });
        using var refused = await gateway.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using var health = await gateway.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    });

    [Fact]
    public Task Health_live_and_ready_answer_with_each_dependency() => f.RunAsync(async () =>
    {
        using var live = await f.Gateway.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var liveBody = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", liveBody.RootElement.GetProperty("status").GetString());
        Assert.Empty(liveBody.RootElement.GetProperty("checks").EnumerateObject());

        foreach (var path in new[] { "/health/ready", "/health" })
        {
            using var ready = await f.Gateway.Http.GetAsync(path);
            var text = await ready.Content.ReadAsStringAsync();
            using var body = JsonDocument.Parse(text);
            var checks = body.RootElement.GetProperty("checks");
            Assert.True(checks.TryGetProperty("database", out _), text);
            Assert.True(checks.TryGetProperty("masstransit-bus", out _), text);
            Assert.True(checks.TryGetProperty("channels", out _), text);
            Assert.Equal("Healthy", checks.GetProperty("database").GetString());
            Assert.Empty(body.RootElement.GetProperty("down").EnumerateArray());
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    });

    [Fact]
    public Task OpenApi_document_lists_the_main_operations_with_examples_and_the_reference_page_shows_them() => f.RunAsync(async () =>
    {
        var json = await f.Gateway.Http.GetStringAsync("/openapi/v1.json");
        using var doc = JsonDocument.Parse(json);
        var paths = doc.RootElement.GetProperty("paths");
        JsonElement Op(string path, string method) =>
            paths.TryGetProperty(path, out var p) && p.TryGetProperty(method, out var o) ? o : throw new Xunit.Sdk.XunitException($"{method} {path} missing from the document");

        var reply = Op("/api/conversations/{id}/replies", "post");
        Assert.False(string.IsNullOrEmpty(reply.GetProperty("summary").GetString()));
        Assert.Contains("text", reply.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText());
        Assert.True(Op("/api/communes/{communeCode}/conversations", "get").GetProperty("responses").GetProperty("200")
            .GetProperty("content").GetProperty("application/json").GetProperty("example").GetArrayLength() > 0);
        Assert.Contains("templateKey", Op("/api/broadcasts", "post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetRawText());
        Assert.StartsWith("phone,", Op("/api/residents/import", "post").GetProperty("requestBody").GetProperty("content").GetProperty("text/csv").GetProperty("example").GetString());
        Assert.Contains("MessageSid=", Op("/webhooks/{channelKey}/receive", "post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("application/x-www-form-urlencoded").GetProperty("example").GetString());
        Assert.False(paths.TryGetProperty("/inbox", out _), "pages are not part of the API document");

        var page = await f.Gateway.Http.GetStringAsync("/api-docs");
        Assert.Contains("POST /api/conversations/{id}/replies", page);
        Assert.Contains("POST /webhooks/{channelKey}/receive", page);
        Assert.Contains("/openapi/v1.json", page);
    });

    [Fact]
    public Task One_correlation_id_runs_from_the_webhook_through_routing_to_the_provider_call_and_no_log_line_holds_the_number_or_the_text() => f.RunAsync(async () =>
    {
        var phone = Demo.NewResidentPhone();
        var body = "Đường vào thôn bị sạt lở " + Flows.Marker();
        var id = "e2e-" + Guid.NewGuid().ToString("N");
        using (var ok = await TwilioWebhookAsync(phone, body, id))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(id, ok.Headers.GetValues("X-Correlation-Id").Single());
        }
        await Flows.WaitForTwilioSendAsync(f, phone, "the commune question", _ => true);

        var withId = await Eventually.Until("the send's log line under the correlation id", () => Task.FromResult(
                f.Gateway.LogTail(4000).Split('\n').Where(l => l.Contains($"\"CorrelationId\":\"{id}\"", StringComparison.Ordinal)).ToList()),
            lines => lines.Any(l => l.Contains("Sent message", StringComparison.Ordinal)), f.Gateway);
        string Category(string line) => JsonDocument.Parse(line).RootElement.GetProperty("Category").GetString() ?? "";
        Assert.Contains(withId, l => Category(l) == "Gateway.Trace" && l.Contains("ingest webhook", StringComparison.Ordinal));
        Assert.Contains(withId, l => Category(l).EndsWith("RouteInboundMessageConsumer", StringComparison.Ordinal) && l.Contains("route", StringComparison.Ordinal));
        Assert.Contains(withId, l => Category(l).EndsWith("SendOutboundMessageConsumer", StringComparison.Ordinal) && l.Contains("Sent message", StringComparison.Ordinal));

        var output = f.Gateway.LogTail(4000);
        var digits = phone[3..]; // 91xxxxxxx: the national number, in any of its spellings
        Assert.DoesNotContain(digits, output);
        Assert.DoesNotContain(body, output);
        Assert.DoesNotContain(Regex.Escape(body.Split(' ')[^1]), output); // not even the marker alone
    });
}
