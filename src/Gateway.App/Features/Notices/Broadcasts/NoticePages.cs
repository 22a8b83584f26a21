using System.Globalization;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>
/// The province officer's broadcast pages: <c>GET /notices</c> (the province's broadcasts, and the approval queue),
/// <c>/notices/new</c> (<see cref="NewNoticePage"/>), <c>GET /notices/{id}</c> (status, progress, report; refreshes
/// itself while sending), <c>POST /notices/{id}/{approve|pause|resume|cancel}</c> and <c>GET /notices/{id}/report.csv</c>.
/// They call the same use cases as <see cref="BroadcastsApi"/>; a commune officer gets 403, another province's
/// broadcast is a 404; every refusal is audited.
/// </summary>
public static class NoticePages
{
    public const string ApprovalTab = "approval";

    /// <summary>What the handlers need, resolved from DI in one parameter.</summary>
    public sealed record Deps(BroadcastStore Store, TemplateStore Templates, CreateBroadcast Create, BroadcastPreview Preview,
        BroadcastActions Actions, BroadcastReport Report, CommuneDirectory Directory, ChannelCatalog Channels, AuditLog Audit,
        IOptions<NoticesOptions> Notices);

    private static readonly string[] Actions = ["approve", "pause", "resume", "cancel"];

    public static IEndpointRouteBuilder MapNoticePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/notices", async (string? tab, string? status, HttpContext http, [AsParameters] Deps d) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await DeniedAsync(page, d.Audit, "notices.list");
            return await ListAsync(page, d, tab, status);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapNewNoticePage();

        app.MapGet("/notices/{id:guid}", async (Guid id, string? done, HttpContext http, [AsParameters] Deps d) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await DeniedAsync(page, d.Audit, "broadcast.view");
            var (b, missing) = await LoadAsync(id, page, d, "broadcast.view");
            if (b is null) return missing!;
            return await RenderAsync(page, d, b, Done(done), null);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapGet("/notices/{id:guid}/report.csv", async (Guid id, HttpContext http, [AsParameters] Deps d) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await DeniedAsync(page, d.Audit, "broadcast.report");
            var (b, missing) = await LoadAsync(id, page, d, "broadcast.report");
            if (b is null) return missing!;
            var csv = BroadcastReport.ToCsv(await d.Report.BuildAsync(b));
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"thong-bao-{b.Id}.csv\"";
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(csv, "text/csv; charset=utf-8");
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/notices/{id:guid}/{action}", async (Guid id, string action, HttpContext http, [AsParameters] Deps d) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=" + Q($"/notices/{id}"));
            if (!page.Official.IsProvince) return await DeniedAsync(page, d.Audit, "broadcast." + (Actions.Contains(action) ? action : "action"));
            if (!Actions.Contains(action)) return Results.NotFound();
            var (b, missing) = await LoadAsync(id, page, d, "broadcast." + action);
            if (b is null) return missing!;
            if (!await WebPages.IsValidPostAsync(http))
                return await RenderAsync(page, d, b, null, "Biểu mẫu đã hết hạn. Vui lòng bấm lại.", StatusCodes.Status400BadRequest);

            var result = action switch
            {
                "approve" => await d.Actions.ApproveAsync(page.Official, b),
                "pause" => await d.Actions.PauseAsync(page.Official, b),
                "resume" => await d.Actions.ResumeAsync(page.Official, b),
                _ => await d.Actions.CancelAsync(page.Official, b),
            };
            var code = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status500InternalServerError;
            if (code == StatusCodes.Status200OK) return WebPages.SeeOther($"/notices/{b.Id}?done={action}");
            var now = await d.Store.FindAsync(b.Id) ?? b;
            var error = code == StatusCodes.Status403Forbidden
                ? "Người tạo thông báo không thể tự duyệt: cần một cán bộ tỉnh khác duyệt."
                : $"Không thực hiện được lúc này: thông báo đang ở trạng thái “{Labels.BroadcastStatus(now.Status)}”. ({(result as ProblemHttpResult)?.ProblemDetails.Detail})";
            return await RenderAsync(page, d, now, null, error, code);
        }).ExcludeFromDescription();
        return app;
    }

    private static string? Done(string? action) => action switch
    {
        "created" => "Đã tạo thông báo. Cần một cán bộ tỉnh khác duyệt trước khi gửi.",
        "approve" => "Đã duyệt: thông báo sẽ được gửi theo lịch.",
        "pause" => "Đã tạm dừng.",
        "resume" => "Đã tiếp tục gửi.",
        "cancel" => "Đã hủy: những tin chưa gửi sẽ không được gửi.",
        _ => null,
    };

    // ---------------------------------------------------------------- list

    private static async Task<IResult> ListAsync(WebPage page, Deps d, string? tab, string? status)
    {
        var official = page.Official!;
        var approval = tab == ApprovalTab;
        status = !approval && status is not null && BroadcastStatus.All.Contains(status) ? status : null;
        var rows = await d.Store.ListAsync(official.ProvinceCode, approval ? BroadcastStatus.PendingApproval : status, 100);
        if (approval) rows = rows.Where(r => r.CreatedBy != official.Username).ToList();
        var titles = await TitlesAsync(d, official.ProvinceCode);

        Raw Tab(string label, string href, bool on) =>
            H($"<a href=\"{href}\"{(on ? new Raw(" class=on aria-current=page") : Raw.Empty)}>{label}</a>");
        var tabs = new List<Raw> { Tab("Tất cả", "/notices", !approval && status is null), Tab("Chờ duyệt", "/notices?tab=" + ApprovalTab, approval) };
        tabs.AddRange(new[] { BroadcastStatus.Sending, BroadcastStatus.Scheduled, BroadcastStatus.Completed }
            .Select(s => Tab(Labels.BroadcastStatus(s), "/notices?status=" + Q(s), status == s)));

        var items = new List<Raw>(rows.Count);
        foreach (var r in rows)
        {
            var c = await d.Store.CountsAsync(r.Id, r.Run);
            var approve = approval
                ? H($"<form method=post action=\"/notices/{r.Id}/approve\" class=row>{page.Csrf}<button>Duyệt</button></form>")
                : Raw.Empty;
            items.Add(H($"""
                <li><a href="/notices/{r.Id}"><b>{titles.GetValueOrDefault(r.TemplateKey, r.TemplateKey)}</b> <span class="b {Labels.BroadcastBadge(r.Status)}">{Labels.BroadcastStatus(r.Status)}</span>{(r.Emergency ? H($" <span class=\"b failed\">Khẩn cấp</span>") : Raw.Empty)}<br><span class=m>Tạo bởi {r.CreatedBy} · {Time(r.CreatedAt)} · {c.Recipients} người nhận · đã gửi {c.Sent + c.Delivered} · lỗi {c.Failed}</span></a>{approve}</li>
                """));
        }
        var list = items.Count == 0
            ? H($"<p class=c>{(approval ? "Không có thông báo nào chờ bạn duyệt." : "Chưa có thông báo nào.")}</p>")
            : H($"<ul class=l id=broadcasts>{Join(items)}</ul>");
        var hint = approval ? H($"<p class=m>Thông báo do cán bộ khác tạo. Bạn không duyệt được thông báo của chính mình.</p>") : Raw.Empty;
        var province = d.Directory.FindProvince(official.ProvinceCode)?.FullName ?? official.ProvinceCode;
        return page.Render("Thông báo", H($"""
            <h1>Thông báo: {province}</h1>
            <p><a href=/notices/new>+ Tạo thông báo mới</a> · <a href=/notices/templates>Mẫu thông báo</a> · <a href=/residents>Cư dân</a></p>
            <nav>{Join(tabs)}</nav>{hint}{list}
            <p class=m>Mới nhất ở trên. <a href="{(approval ? "/notices?tab=" + ApprovalTab : status is null ? "/notices" : "/notices?status=" + Q(status))}">Tải lại</a></p>
            """));
    }

    internal static async Task<Dictionary<string, string>> TitlesAsync(Deps d, string provinceCode) =>
        (await d.Templates.ListAsync(provinceCode)).DistinctBy(t => t.Key).ToDictionary(t => t.Key, NoticeTemplateView.Title);

    // ---------------------------------------------------------------- one broadcast

    private static async Task<IResult> RenderAsync(WebPage page, Deps d, BroadcastRow b, string? notice, string? error, int status = StatusCodes.Status200OK)
    {
        var official = page.Official!;
        var template = await d.Templates.FindAsync(b.TemplateKey);
        var title = template is null ? b.TemplateKey : NoticeTemplateView.Title(template);
        var c = await d.Store.CountsAsync(b.Id, b.Run);
        var report = await d.Report.BuildAsync(b);

        var done = c.Sent + c.Delivered + c.Failed + c.Unknown + c.Skipped;
        var total = c.Recipients + c.Skipped;
        var percent = total == 0 ? 0 : (int)(done * 100 / total);

        Raw Button(string action, string label, bool primary) =>
            H($"<form method=post action=\"/notices/{b.Id}/{action}\">{page.Csrf}<button{(primary ? Raw.Empty : new Raw(" class=s"))}>{label}</button></form>");
        var buttons = new List<Raw>();
        if (b.Status == BroadcastStatus.PendingApproval && b.CreatedBy != official.Username) buttons.Add(Button("approve", "Duyệt và gửi", true));
        if (b.Status is BroadcastStatus.Scheduled or BroadcastStatus.Sending or BroadcastStatus.WaitingQuietHours) buttons.Add(Button("pause", "Tạm dừng", false));
        if (b.Status == BroadcastStatus.Paused) buttons.Add(Button("resume", "Tiếp tục gửi", true));
        if (BroadcastStatus.Cancellable.Contains(b.Status)) buttons.Add(Button("cancel", "Hủy thông báo", false));
        var actions = buttons.Count == 0 ? Raw.Empty : H($"<div class=\"c row\" id=actions>{Join(buttons)}</div>");
        var waitingForOther = b.Status == BroadcastStatus.PendingApproval && b.CreatedBy == official.Username
            ? H($"<p class=m id=approval>Bạn tạo thông báo này: cần một cán bộ tỉnh khác duyệt.</p>")
            : Raw.Empty;

        var variables = template is null ? Raw.Empty : Join(NoticeTemplateView.Variables(template).Select(v =>
        {
            var value = b.VariableValues.GetValueOrDefault(v.Name) ?? "";
            if (v.Type == "commune") value = d.Directory.FindCommune(value)?.Name ?? value;
            if (v.Type == "date" && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                value = day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
            return H($"<li>{v.Name}: <b>{value}</b></li>");
        }));

        var lines = Join(report.Lines.Select(l => H($"""
            <tr><td>{CommuneName(d.Directory, l.CommuneCode)}</td><td>{LanguageName(l.Language)}</td><td>{ChannelName(d.Channels, l.Channel)}</td><td class=n>{l.Recipients}</td><td class=n>{l.Queued}</td><td class=n>{l.Sent}</td><td class=n>{l.Delivered}</td><td class=n>{l.Failed}</td><td class=n>{l.Unknown}</td><td class=n>{l.Skipped}</td><td class=n>{l.Cancelled}</td></tr>
            """)));
        var table = report.Lines.Count == 0
            ? H($"<p class=m>Chưa có người nhận nào được xếp gửi{(b.Status == BroadcastStatus.PendingApproval ? " (chờ duyệt)" : "")}.</p>")
            : H($"<div class=x><table id=report><tr><th>Xã</th><th>Ngôn ngữ</th><th>Kênh</th><th>Người nhận</th><th>Chờ gửi</th><th>Đã gửi</th><th>Đã đến máy</th><th>Lỗi</th><th>Không rõ</th><th>Bỏ qua</th><th>Đã hủy</th></tr>{lines}</table></div>");

        var zone = Zone(d);
        string When(long? ms) => ms is { } v ? TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(v), zone).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture) : "";
        var schedule = H($"{(b.SendAt is null ? "Gửi ngay khi được duyệt" : "Gửi lúc " + When(b.SendAt))}{(b.Recurrence is null ? "" : " · lặp lại: " + b.Recurrence)}{(b.NextRunAt is not null && b.Status is BroadcastStatus.Scheduled or BroadcastStatus.WaitingQuietHours ? " · lần gửi tới: " + When(b.NextRunAt) : "")}");

        var body = H($"""
            <p class=m><a href=/notices>← Thông báo</a></p>
            <h1>{title} <span class="b {Labels.BroadcastBadge(b.Status)}" id=status>{Labels.BroadcastStatus(b.Status)}</span></h1>
            {(notice is null ? Raw.Empty : H($"<p class=ok role=status>{notice}</p>"))}{(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            <div class=c><p class=m>Mẫu <code>{b.TemplateKey}</code>{(b.Emergency ? " · khẩn cấp (gửi cả trong giờ nghỉ)" : "")} · tạo bởi {b.CreatedBy} lúc {Time(b.CreatedAt)}{(b.ApprovedBy is null ? "" : " · duyệt bởi " + b.ApprovedBy)}</p>
            <p>Người nhận: {AudienceSummary(d.Directory, b.AudienceValue)}</p><p class=m>{schedule}</p><ul>{variables}</ul></div>
            {waitingForOther}{actions}
            <div class=c><label for=progress>Tiến độ: {done} / {total} ({percent}%)</label><progress id=progress max="{Math.Max(total, 1)}" value="{done}">{percent}%</progress>
            <p id=counts>{c.Recipients} người nhận · chờ gửi {c.Queued} · đã gửi {c.Sent + c.Delivered} (đã đến máy {c.Delivered}) · lỗi {c.Failed} · không rõ {c.Unknown} · bỏ qua {c.Skipped} · đã hủy {c.Cancelled}{(report.OptedOut > 0 ? $" · {report.OptedOut} người đã từ chối nhận" : "")}</p></div>
            <h2>Theo xã, ngôn ngữ và kênh</h2>{table}
            <p><a href="/notices/{b.Id}/report.csv" id=csv>Tải báo cáo (CSV)</a> · <a href="/notices/{b.Id}">Tải lại</a></p>
            """);
        return page.Render(title, body, status, head: Refresh(b, page));
    }

    /// <summary>While a run is under way the page reloads itself every 5 s (no script); a schedule days ahead every minute.</summary>
    /// <remarks>The reload drops the query, so a one-off "approved" notice does not stay on screen.</remarks>
    private static Raw Refresh(BroadcastRow b, WebPage page)
    {
        var seconds = b.Status switch
        {
            BroadcastStatus.Sending or BroadcastStatus.WaitingQuietHours => 5,
            BroadcastStatus.Scheduled => b.NextRunAt is { } next && next - page.Http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds() > 10 * 60_000 ? 60 : 5,
            _ => 0,
        };
        return seconds == 0 ? Raw.Empty : H($"<meta http-equiv=refresh content=\"{seconds}; url=/notices/{b.Id}\">");
    }

    internal static string AudienceSummary(CommuneDirectory directory, Audiences.Audience a)
    {
        if (a.WholeProvince) return "cả tỉnh";
        var parts = new List<string>();
        if (a.CommuneCodes.Count > 0) parts.Add("các xã: " + string.Join(", ", a.CommuneCodes.Select(c => CommuneName(directory, c))));
        if (a.Tags.Count > 0) parts.Add("nhãn: " + string.Join(", ", a.Tags));
        if (a.Languages.Count > 0) parts.Add("ngôn ngữ: " + string.Join(", ", a.Languages.Select(LanguageName)));
        return parts.Count == 0 ? "(trống)" : string.Join("; ", parts);
    }

    internal static string CommuneName(CommuneDirectory directory, string code) => directory.FindCommune(code)?.Name ?? code;

    internal static string LanguageName(string code) => Languages.Default.Find(code)?.Name ?? code;

    internal static string ChannelName(ChannelCatalog channels, string key) =>
        key == "-" ? "—" : channels.Find(key) is { } c ? Labels.ChannelType(c.Type) : key;

    internal static TimeZoneInfo Zone(Deps d)
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById(d.Notices.Value.TimeZone); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return TimeZoneInfo.CreateCustomTimeZone("ICT", TimeSpan.FromHours(7), "ICT", "ICT"); }
    }

    /// <summary>The broadcast if it is this province officer's; otherwise a 404 page, audited when it exists.</summary>
    private static async Task<(BroadcastRow?, IResult?)> LoadAsync(Guid id, WebPage page, Deps d, string action)
    {
        var official = page.Official!;
        var b = await d.Store.FindAsync(id.ToString());
        if (b is not null && b.ProvinceCode == official.ProvinceCode) return (b, null);
        if (b is not null) await d.Audit.WriteAsync(official.Username, action, $"broadcast:{id}", "denied");
        return (null, page.Render("Không tìm thấy", H($"<h1>Không tìm thấy thông báo</h1><p class=c>Thông báo này không có hoặc không thuộc tỉnh của bạn. <a href=/notices>Về danh sách</a></p>"), StatusCodes.Status404NotFound));
    }

    internal static async Task<IResult> DeniedAsync(WebPage page, AuditLog audit, string action)
    {
        await audit.WriteAsync(page.Official!.Username, action, null, "denied");
        return page.Render("Không có quyền", H($"<h1>Không có quyền</h1><p class=e>Chỉ cán bộ cấp tỉnh tạo, duyệt và theo dõi thông báo. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
    }
}
