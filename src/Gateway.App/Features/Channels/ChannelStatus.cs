using Gateway.App.Features.Channels.ZaloTokens;
using Gateway.App.Infrastructure;
using Gateway.Channels;

namespace Gateway.App.Features.Channels;

/// <summary>One channel as an operator needs to see it: usable or not, and what to do about it.</summary>
public sealed record ChannelStatusView(string Key, string Type, bool Usable, string State, string? Detail, long? TokenExpiresAt);

/// <summary>Reads every configured channel's state (token pair, quota, stop) for the Channels page and /health.</summary>
public sealed class ChannelStatus(ChannelCatalog channels, ZaloTokens.ZaloTokens tokens, ZaloTokenStore store, ChannelStates states, TimeProvider time)
{
    public async Task<IReadOnlyList<ChannelStatusView>> AllAsync(CancellationToken ct = default)
    {
        var blocked = (await states.AllAsync(ct)).ToDictionary(s => s.ChannelKey, StringComparer.OrdinalIgnoreCase);
        var pairs = (await store.AllAsync(ct)).ToDictionary(p => p.AppId);
        var now = time.NowMs();
        var list = new List<ChannelStatusView>();
        foreach (var c in channels.All.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (blocked.TryGetValue(c.Key, out var b) && (b.Kind == ChannelStates.Stopped || b.Until > now))
            {
                list.Add(new(c.Key, c.Type, false, b.Kind, b.Reason, null));
                continue;
            }
            if (ChannelTypes.UsesZaloToken(c.Type))
            {
                var oa = tokens.OaChannelOf(c);
                var pair = oa?.Options.AppId is { } appId ? pairs.GetValueOrDefault(appId) : null;
                if (oa is null) list.Add(new(c.Key, c.Type, false, "misconfigured", $"ZaloOa must name a zalo channel (is '{c.Options.ZaloOa}')", null));
                else if (pair?.AccessToken is null) list.Add(new(c.Key, c.Type, false, ZaloTokenRow.NeedsConsent, "no token pair yet: connect the OA", null));
                else if (pair.State == ZaloTokenRow.NeedsConsent)
                    list.Add(new(c.Key, c.Type, !pair.IsExpired(now), ZaloTokenRow.NeedsConsent, pair.LastError, pair.AccessExpiresAt));
                else list.Add(new(c.Key, c.Type, !pair.IsExpired(now), pair.IsExpired(now) ? "expired" : "ok", null, pair.AccessExpiresAt));
                continue;
            }
            list.Add(new(c.Key, c.Type, true, "ok", null, null));
        }
        return list;
    }
}
