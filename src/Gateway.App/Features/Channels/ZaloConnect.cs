using Dapper;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.Channels;
using Gateway.Channels.Zalo;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Channels;

/// <summary>
/// "Connect Zalo OA": OAuth v4 with PKCE. Start stores a verifier under a random state and sends the OA admin to
/// Zalo's permission page; Zalo redirects back with a code, exchanged (with the verifier) for the first pair.
/// </summary>
public sealed class ZaloConnect(
    Db db, ChannelCatalog channels, ZaloTokenStore store, ZaloTokens.ZaloTokens tokens, IHttpClientFactory httpFactory,
    AuditLog audit, TimeProvider time, IOptions<GatewayOptions> gateway, ILogger<ZaloConnect> logger)
{
    public const string CallbackPath = "/channels/zalo/callback";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public string RedirectUri => gateway.Value.PublicBaseUrl.TrimEnd('/') + CallbackPath;

    /// <returns>Zalo's permission URL to send the browser to, or null when the channel is not a connectable OA.</returns>
    public async Task<string?> StartAsync(string channelKey, string startedBy, CancellationToken ct)
    {
        if (channels.Find(channelKey) is not { Type: ChannelTypes.Zalo } channel
            || string.IsNullOrEmpty(channel.Options.AppId) || string.IsNullOrEmpty(channel.Options.AppSecret))
            return null;
        var verifier = Pkce.NewVerifier();
        var state = Pkce.NewState();
        await using var c = await db.OpenAsync(ct);
        using (await db.WriteLockAsync(ct: ct))
        {
            await c.ExecuteAsync("DELETE FROM zalo_oauth_requests WHERE created_at < @old", new { old = time.NowMs() - (long)StateLifetime.TotalMilliseconds });
            await c.ExecuteAsync(
                "INSERT INTO zalo_oauth_requests (state, app_id, channel_key, code_verifier, created_by, created_at) VALUES (@state, @appId, @channelKey, @verifier, @startedBy, @now)",
                new { state, appId = channel.Options.AppId, channelKey = channel.Key, verifier = store.Protect(verifier), startedBy, now = time.NowMs() });
        }
        return ZaloOAuth.PermissionUrl(channel.Options.OAuthBaseUrl, channel.Options.AppId, RedirectUri, Pkce.Challenge(verifier), state);
    }

    public sealed record Outcome(string? ChannelKey, string? Error);

    public async Task<Outcome> FinishAsync(string? state, string? code, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(code)) return new(null, "Zalo không trả về mã cấp quyền (code/state)");
        Request? request;
        await using (var c = await db.OpenAsync(ct))
        using (await db.WriteLockAsync(ct: ct))
        {
            request = await c.QuerySingleOrDefaultAsync<Request>(
                "SELECT state AS State, app_id AS AppId, channel_key AS ChannelKey, code_verifier AS CodeVerifier, created_by AS CreatedBy, created_at AS CreatedAt FROM zalo_oauth_requests WHERE state = @state",
                new { state });
            // Single-use: a replayed callback finds nothing.
            await c.ExecuteAsync("DELETE FROM zalo_oauth_requests WHERE state = @state", new { state });
        }
        if (request is null || time.NowMs() - request.CreatedAt > StateLifetime.TotalMilliseconds)
        {
            await audit.WriteAsync("(unknown)", "channel.connect.finish", null, "denied", "unknown or expired state");
            return new(null, "yêu cầu kết nối không hợp lệ hoặc đã quá 10 phút; hãy bấm Kết nối lại");
        }
        if (channels.Find(request.ChannelKey) is not { Type: ChannelTypes.Zalo } channel || channel.Options.AppSecret is not { Length: > 0 } secret)
            return new(null, $"kênh {request.ChannelKey} không còn được cấu hình");

        var result = await ZaloOAuth.ExchangeCodeAsync(httpFactory.CreateClient("channels"), channel.Options.OAuthBaseUrl, request.AppId,
            secret, code, store.Unprotect(request.CodeVerifier)!, ct);
        if (result is ZaloTokenResult.Refused refused)
        {
            logger.LogWarning("Zalo OA {AppId}: code exchange refused ({Code})", request.AppId, refused.Code);
            await audit.WriteAsync(request.CreatedBy, "channel.connect.finish", request.ChannelKey, "failed", refused.Code);
            return new(request.ChannelKey, $"Zalo từ chối ({refused.Code}): {refused.Description}");
        }
        var issued = (ZaloTokenResult.Issued)result;
        var now = time.NowMs();
        await store.StoreConsentedAsync(request.AppId, issued.AccessToken, issued.RefreshToken, now + (long)issued.ExpiresIn.TotalMilliseconds, now, ct);
        tokens.Forget(request.AppId);
        await audit.WriteAsync(request.CreatedBy, "channel.connect.finish", request.ChannelKey, "ok");
        logger.LogInformation("Zalo OA {AppId} connected through consent; token valid for {ExpiresIn}", request.AppId, issued.ExpiresIn);
        return new(request.ChannelKey, null);
    }

    private sealed class Request
    {
        public string State { get; init; } = "";
        public string AppId { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string CodeVerifier { get; init; } = "";
        public string CreatedBy { get; init; } = "";
        public long CreatedAt { get; init; }
    }
}
