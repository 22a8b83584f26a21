using Gateway.App.Features.Channels;
using Gateway.App.Features.Outbound.Pacing;
using Gateway.App.Infrastructure;
using Gateway.Channels;
using Gateway.Channels.Text;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// The one place a text leaves for a provider, for replies and notices alike: the channel's pace (SMS counted
/// in segments, conversations ahead of notices), the call with its timeout, and a 429 slowing the channel down.
/// Callers claim their row before and record the result after; this never touches the database.
/// </summary>
public sealed class OutboundSender(
    ChannelCatalog channels, IHttpClientFactory httpFactory, ChannelPacer pacer,
    IOptions<OutboundOptions> options, IOptions<GatewayOptions> gateway)
{
    public async Task<SendResult> SendAsync(Guid id, string channelKey, string urn, string text, int attempt, SendPriority priority, CancellationToken ct)
    {
        var channel = channels.Find(channelKey);
        if (channel is null)
            return new SendResult.Failed(false, "channel-missing", $"Channel '{channelKey}' is not configured");
        await pacer.WaitAsync(channel.Key, Cost(channel.Type, text), priority, ct);
        var callback = $"{gateway.Value.PublicBaseUrl.TrimEnd('/')}/webhooks/{channel.Key}/status";
        var message = new OutboundMessage(id, Urn.Parse(urn), text, callback, attempt);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.SendTimeout);
        SendResult result;
        try
        {
            result = await channel.Adapter.SendAsync(message, channel.Options, httpFactory.CreateClient("channels"), timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Timeouts and network errors: the provider may or may not have the message; retrying is the
            // lesser harm for a resident waiting on an answer.
            return new SendResult.Failed(true, "transport", ex.GetType().Name);
        }
        if (result is SendResult.Failed { Retryable: true } failed && (failed.RetryAfter is not null || failed.Code.Contains("429")))
            pacer.SlowDown(channel.Key, failed.RetryAfter);
        return result;
    }

    /// <summary>What one send costs against the channel's rate: SMS providers count segments.</summary>
    public static int Cost(string channelType, string text) =>
        ChannelTypes.IsSms(channelType) ? SmsEncoding.Analyze(text).Segments : 1;

    /// <summary>Exponential from FirstRetryDelay, capped, half-jittered; a provider's Retry-After is honoured up to MaxRetryDelay.</summary>
    public TimeSpan RetryDelay(int attempt, TimeSpan? retryAfter)
    {
        var o = options.Value;
        if (retryAfter is { } asked)
            return asked < TimeSpan.Zero ? TimeSpan.Zero : asked > o.MaxRetryDelay ? o.MaxRetryDelay : asked;
        var ms = Math.Min(o.MaxRetryDelay.TotalMilliseconds, o.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromMilliseconds(ms * (0.5 + Random.Shared.NextDouble() / 2)); // full jitter would starve; half jitter spreads
    }

    public bool MayRetry(SendResult.Failed failed, int attempts) => failed.Retryable && attempts < options.Value.MaxAttempts;

    public static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
