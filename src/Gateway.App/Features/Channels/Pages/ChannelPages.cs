using Gateway.App.Features.Audit;
using Gateway.App.Features.Web;
using Gateway.Channels;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Channels.Pages;

/// <summary>
/// <c>/channels</c>: every channel's state for province officers (token expiry, consent needed, quota spent,
/// stopped), and "Connect Zalo OA", which starts the OAuth v4 consent so nobody pastes tokens into files.
/// </summary>
public static class ChannelPages
{
    public static IEndpointRouteBuilder MapChannelPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/channels", async (HttpContext http, ChannelStatus status, ChannelCatalog channels, AuditLog audit, string? connected, string? error) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await DeniedAsync(page, audit);
            var rows = Join((await status.AllAsync(http.RequestAborted)).Select(s => Row(page, s, channels.Find(s.Key))));
            var note = connected is not null ? H($"<p class=ok id=outcome>Đã kết nối Zalo OA của kênh <b>{connected}</b>.</p>")
                : error is not null ? H($"<p class=e id=outcome>Chưa kết nối được: {error}</p>") : Raw.Empty;
            var disabled = channels.Disabled.Count == 0 ? Raw.Empty
                : H($"<div class=c><b>Kênh chưa bật</b><ul>{Join(channels.Disabled.Select(d => H($"<li>{d}</li>")))}</ul></div>");
            return page.Render("Kênh gửi tin", H($"""
                <h1>Kênh gửi tin</h1>{note}
                <table id=channels><tr><th>Kênh</th><th>Loại</th><th>Trạng thái</th><th>Chi tiết</th><th></th></tr>{rows}</table>
                {disabled}
                """));
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/channels/{key}/connect", async (string key, HttpContext http, ZaloConnect connect, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=%2Fchannels");
            if (!page.Official.IsProvince) return await DeniedAsync(page, audit);
            if (!await WebPages.IsValidPostAsync(http)) return WebPages.SeeOther("/channels?error=" + Q("biểu mẫu đã hết hạn, hãy thử lại"));
            var url = await connect.StartAsync(key, page.Official.Username, http.RequestAborted);
            if (url is null) return WebPages.SeeOther("/channels?error=" + Q($"kênh {key} không phải kênh Zalo OA có AppId và AppSecret"));
            await audit.WriteAsync(page.Official.Username, "channel.connect.start", key, "ok");
            return Results.Redirect(url);
        }).RequireAuthorization().ExcludeFromDescription();

        // Zalo redirects the OA admin's browser here. A strict same-site cookie does not come along on that
        // cross-site navigation, so the single-use, short-lived state (tied to who started it) is the credential.
        app.MapGet(ZaloConnect.CallbackPath, async (HttpContext http, ZaloConnect connect, string? code, string? state, string? oa_id) =>
        {
            var outcome = await connect.FinishAsync(state, code, http.RequestAborted);
            var next = outcome.ChannelKey is not null && outcome.Error is null
                ? "/channels?connected=" + Q(outcome.ChannelKey)
                : "/channels?error=" + Q(outcome.Error ?? "không rõ lỗi");
            // A same-site page, not a redirect: a redirect would still be Zalo's cross-site navigation, on which the
            // Strict session cookie is not sent; this page's own navigation is same-site, so the officer stays signed in.
            return new WebPage(http).Render("Zalo OA", H($"<p class=ok>Đang quay lại trang kênh… <a href=\"{next}\">Tiếp tục</a></p>"),
                head: H($"<meta http-equiv=refresh content=\"0;url={next}\">"));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static Raw Row(WebPage page, ChannelStatusView s, ChannelInstance? channel)
    {
        var state = s.State switch
        {
            "ok" => "Hoạt động",
            ZaloTokens.ZaloTokenRow.NeedsConsent => "Cần kết nối lại Zalo OA",
            "expired" => "Mã truy cập hết hạn, đang gia hạn",
            ChannelStates.QuotaSpent => "Hết hạn mức hôm nay",
            ChannelStates.Stopped => "Đã dừng: cấu hình bị nhà mạng từ chối",
            _ => s.State,
        };
        var expiry = s.TokenExpiresAt is { } at ? H($" <span class=m>mã hết hạn {Time(at)}</span>") : Raw.Empty;
        var connect = channel is { Type: ChannelTypes.Zalo } && !string.IsNullOrEmpty(channel.Options.AppSecret)
            ? H($"<form method=post action=/channels/{Q(s.Key)}/connect>{page.Csrf}<button class=s>Kết nối Zalo OA</button></form>")
            : Raw.Empty;
        return H($"<tr data-channel=\"{s.Key}\" data-state=\"{s.State}\"><td>{s.Key}</td><td>{s.Type}</td><td>{state}{expiry}</td><td>{s.Detail ?? ""}</td><td>{connect}</td></tr>");
    }

    private static async Task<IResult> DeniedAsync(WebPage page, AuditLog audit)
    {
        await audit.WriteAsync(page.Official!.Username, "channels.page", null, "denied");
        return page.Render("Không có quyền", H($"<p class=e>Chỉ cán bộ cấp tỉnh quản lý kênh gửi tin. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
    }
}
