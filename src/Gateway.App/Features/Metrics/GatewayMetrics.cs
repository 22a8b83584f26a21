using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.App.Features.Outbound;
using Gateway.Channels;

namespace Gateway.App.Features.Metrics;

/// <summary>
/// Every instrument the gateway reports on <c>/metrics</c>, in one place. Events are counted where they happen, by
/// one-line calls (<see cref="WebhookAnswered"/>, <see cref="SendRecorded"/>); what the database holds (backlog,
/// channel state, broadcast progress) is read by <see cref="GatewayGauges"/>. Labels are channel keys as configured
/// and short fixed words, never an address, a text or anything a caller chose.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "Gateway";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> WebhooksAccepted = Meter.CreateCounter<long>(
        "gateway.webhooks.accepted", "{webhook}", "Provider webhooks answered 200 (stored, or a duplicate recognised), per channel and kind.");

    private static readonly Counter<long> WebhooksRefused = Meter.CreateCounter<long>(
        "gateway.webhooks.refused", "{webhook}", "Provider webhooks refused, per channel, kind and reason (signature, malformed, too_large, unknown_channel, error).");

    private static readonly Histogram<double> IngestDuration = Meter.CreateHistogram(
        "gateway.ingest.duration", "s", "Time from a webhook's arrival to its answer (the message committed), per channel and kind.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    private static readonly Counter<long> Sends = Meter.CreateCounter<long>(
        "gateway.sends", "{send}", "Provider sends as recorded, per channel, purpose (conversation, notice) and outcome (sent, retryable, failed, parked).");

    private static readonly Counter<long> SendFailures = Meter.CreateCounter<long>(
        "gateway.send.failures", "{send}", "Failed sends per channel and error code (the provider's, or transport / parked:quota / parked:token / parked:stopped).");

    /// <summary>What each channel's provider last said is left of today's quota (ZNS says; others never do).</summary>
    private static readonly ConcurrentDictionary<string, int> RemainingQuota = new(StringComparer.Ordinal);

    static GatewayMetrics()
    {
        Meter.CreateObservableGauge("gateway.channel.quota.remaining",
            () => RemainingQuota.Select(q => new Measurement<int>(q.Value, new KeyValuePair<string, object?>("channel", q.Key))),
            "{message}", "Today's quota the provider reported left on its last answer, per channel.");
    }

    /// <param name="channel">A configured channel's key, or null when the URL named none.</param>
    public static void WebhookAnswered(string? channel, string kind, int statusCode, TimeSpan elapsed)
    {
        var channelTag = new KeyValuePair<string, object?>("channel", channel ?? "unknown");
        var kindTag = new KeyValuePair<string, object?>("kind", kind);
        if (statusCode is >= 200 and < 300) WebhooksAccepted.Add(1, channelTag, kindTag);
        else WebhooksRefused.Add(1, channelTag, kindTag, new("reason", RefusalReason(channel, statusCode)));
        IngestDuration.Record(elapsed.TotalSeconds, channelTag, kindTag);
    }

    public static string RefusalReason(string? channel, int statusCode) => statusCode switch
    {
        _ when channel is null => "unknown_channel",
        401 or 403 => "signature",
        413 => "too_large",
        >= 400 and < 500 => "malformed",
        _ => "error",
    };

    /// <param name="purpose">conversation (replies, acknowledgements, prompts) or notice.</param>
    public static void SendRecorded(string channel, SendResult result, string purpose = "conversation")
    {
        var channelTag = new KeyValuePair<string, object?>("channel", channel);
        switch (result)
        {
            case SendResult.Sent sent:
                Sends.Add(1, channelTag, new("purpose", purpose), new("outcome", "sent"));
                if (sent.RemainingQuota is { } left) RemainingQuota[channel] = left;
                break;
            case SendResult.Failed failed:
                var outcome = OutboundSender.IsParked(failed) ? "parked" : failed.Retryable ? "retryable" : "failed";
                Sends.Add(1, channelTag, new("purpose", purpose), new("outcome", outcome));
                SendFailures.Add(1, channelTag, new("code", Code(failed.Code)), new("retryable", failed.Retryable));
                break;
        }
    }

    /// <summary>Provider codes are short; anything longer or odd is cut so a label can never grow without bound.</summary>
    internal static string Code(string code)
    {
        var clean = new string(code.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.').Take(32).ToArray());
        return clean.Length == 0 ? "none" : clean;
    }
}
