using Gateway.App.Features.Channels;
using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Features.Outbound.Pacing;
using Gateway.App.Infrastructure;
using Gateway.Channels;
using Gateway.Channels.Text;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Outbound;

/// <summary>
/// The one place a text leaves for a provider, for replies and notices alike: the channel's pace (SMS counted
/// in segments, conversations ahead of notices), the call with its timeout, and a 429 slowing the channel down.
/// Zalo and ZNS sends carry the OA's current token, renewed once when Zalo refuses it. A channel that cannot
/// send now (no working token, stopped, quota spent) answers a parked failure: the message waits, its
/// attempts untouched. Callers claim their row before and record the result after; this never touches the
/// database except through the token and channel-state stores.
/// </summary>
public sealed class OutboundSender(
    ChannelCatalog channels, IHttpClientFactory httpFactory, ChannelPacer pacer, ZaloTokens tokens, ChannelStates states,
    IOptions<OutboundOptions> options, IOptions<GatewayOptions> gateway, ILogger<OutboundSender> logger)
{
    /// <summary>Code prefix of a parked failure: the channel cannot send now, the message is not at fault.</summary>
    public const string ParkedPrefix = "parked:";

    /// <param name="reference">The provider-side client reference (eSMS RequestId, ZNS tracking_id): the same on every attempt.</param>
    public async Task<SendResult> SendAsync(Guid id, string channelKey, string urn, string text, int attempt, SendPriority priority, CancellationToken ct,
        string? reference = null, OutboundTemplate? template = null)
    {
        var channel = channels.Find(channelKey);
        if (channel is null)
            return new SendResult.Failed(false, "channel-missing", $"Channel '{channelKey}' is not configured");
        if (await states.BlockedAsync(channel.Key, ct) is { } blocked)
            return Parked(blocked.Kind == ChannelStates.QuotaSpent ? "quota" : "stopped", blocked.Reason ?? blocked.Kind,
                blocked.Kind == ChannelStates.QuotaSpent ? FailureKind.QuotaSpent : FailureKind.ChannelConfiguration);

        var settings = channel.Options;
        string? token = null;
        if (ChannelTypes.UsesZaloToken(channel.Type))
        {
            token = await tokens.AccessTokenAsync(channel, ct);
            if (token is null) return Parked("token", "the Zalo OA has no working access token: renewing, or consent needed on the Channels page");
            settings = settings.WithAccessToken(token);
        }

        await pacer.WaitAsync(channel.Key, Cost(channel.Type, text), priority, ct);
        var callback = $"{gateway.Value.PublicBaseUrl.TrimEnd('/')}/webhooks/{channel.Key}/status";
        var message = new OutboundMessage(id, Urn.Parse(urn), text, callback, attempt, reference, template);
        var result = await CallAsync(channel, message, settings, ct);

        if (result is SendResult.Failed { Kind: FailureKind.TokenRejected } && token is not null)
        {
            // Expired or revoked early: renew once (or take the pair another instance just stored) and send again.
            var renewed = await tokens.RenewAfterRejectionAsync(channel, token, ct);
            if (renewed is null) return Parked("token", "Zalo refused the OA access token and it could not be renewed");
            result = await CallAsync(channel, message, settings.WithAccessToken(renewed), ct);
            if (result is SendResult.Failed { Kind: FailureKind.TokenRejected })
                return Parked("token", "Zalo refused the renewed OA access token too");
        }

        switch (result)
        {
            case SendResult.Failed { Kind: FailureKind.ChannelConfiguration } config:
                await states.MarkStoppedAsync(channel.Key, $"{config.Code}: {config.Message}");
                return Parked("stopped", config.Message);
            case SendResult.Failed { Kind: FailureKind.QuotaSpent } spent:
                await states.MarkQuotaSpentAsync(channel.Key, $"{spent.Code}: {spent.Message}");
                return spent;
            case SendResult.Sent { RemainingQuota: <= 0 }:
                await states.MarkQuotaSpentAsync(channel.Key, "the provider reported no quota left for today");
                break;
            case SendResult.Failed { Retryable: true } failed when failed.RetryAfter is not null || failed.Code.Contains("429"):
                pacer.SlowDown(channel.Key, failed.RetryAfter);
                break;
        }
        return result;
    }

    private async Task<SendResult> CallAsync(ChannelInstance channel, OutboundMessage message, ChannelOptions settings, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.SendTimeout);
        try
        {
            return await channel.Adapter.SendAsync(message, settings, httpFactory.CreateClient("channels"), timeout.Token);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Timeouts and network errors: the provider may or may not have the message; retrying is the
            // lesser harm for a resident waiting on an answer.
            return new SendResult.Failed(true, "transport", ex.GetType().Name);
        }
    }

    private SendResult.Failed Parked(string what, string why, FailureKind kind = FailureKind.ChannelConfiguration)
    {
        logger.LogDebug("Send parked ({What}): {Why}", what, why);
        return new SendResult.Failed(true, ParkedPrefix + what, why, options.Value.ParkedRetryDelay, kind);
    }

    /// <summary>The channel could not send now; the message waits without spending an attempt.</summary>
    public static bool IsParked(SendResult.Failed failed) => failed.Code.StartsWith(ParkedPrefix, StringComparison.Ordinal);

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

    public bool MayRetry(SendResult.Failed failed, int attempts) => failed.Retryable && (IsParked(failed) || attempts < options.Value.MaxAttempts);

    public static string Truncate(string s) => s.Length <= 500 ? s : s[..500];
}
