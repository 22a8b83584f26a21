using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// <c>/admin/residents</c>: the admin's page for a resident's request, plain forms with the anti-forgery field. Export
/// answers the file (JSON or CSV); erase needs the box ticked and comes back here with what was anonymised. The address
/// is posted, never put in a URL.
/// </summary>
public static class ResidentRequestsPage
{
    public const string Path = "/admin/residents";

    public static IEndpointRouteBuilder MapResidentRequestsPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, ResidentRequests requests) =>
        {
            var page = new WebPage(http);
            if (await requests.RefuseUnlessAdminAsync(page.Official!, "resident.page") is { } refused) return Denied(page, refused);
            return Render(page, Raw.Empty, StatusCodes.Status200OK);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost(Path + "/export", async (HttpContext http, ResidentRequests requests) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=" + Q(Path));
            if (await requests.RefuseUnlessAdminAsync(page.Official, "resident.export") is { } refused) return Denied(page, refused);
            if (!await WebPages.IsValidPostAsync(http)) return Render(page, Expired, StatusCodes.Status400BadRequest);
            var form = http.Request.Form;
            var (export, problem) = await requests.ExportAsync(page.Official, form["address"], form["format"].ToString(), http.RequestAborted);
            if (problem is not null) return Render(page, Error(problem.Vietnamese), problem.Status);
            http.Response.Headers.CacheControl = "no-store";
            return Results.File(export!.Body, export.ContentType, export.FileName);
        }).ExcludeFromDescription();

        app.MapPost(Path + "/erase", async (HttpContext http, ResidentRequests requests) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=" + Q(Path));
            if (await requests.RefuseUnlessAdminAsync(page.Official, "resident.erase") is { } refused) return Denied(page, refused);
            if (!await WebPages.IsValidPostAsync(http)) return Render(page, Expired, StatusCodes.Status400BadRequest);
            var form = http.Request.Form;
            if (form["confirm"] != "yes")
                return Render(page, Error("Hãy đánh dấu ô xác nhận trước khi xoá."), StatusCodes.Status400BadRequest);
            var (outcome, problem) = await requests.EraseAsync(page.Official, form["address"], http.RequestAborted);
            if (problem is not null) return Render(page, Error(problem.Vietnamese), problem.Status);
            return Render(page, H($"<p class=ok id=outcome role=status>Đã xoá dữ liệu của cư dân: {outcome!.Conversations} hội thoại, {outcome.Messages} tin nhắn, {outcome.Deliveries} lượt nhận thông báo đã được ẩn danh; hồ sơ cư dân đã xoá. Nhật ký ghi lại việc xoá, không ghi số điện thoại.</p>"),
                StatusCodes.Status200OK);
        }).ExcludeFromDescription();

        return app;
    }

    private static readonly Raw Expired = H($"<p class=e id=outcome role=alert>Biểu mẫu đã hết hạn. Vui lòng thử lại.</p>");

    private static Raw Error(string message) => H($"<p class=e id=outcome role=alert>{message}</p>");

    private static IResult Denied(WebPage page, ResidentRequests.Problem refused) =>
        page.Render("Không có quyền", H($"<p class=e>{refused.Vietnamese} <a href=/inbox>Về hộp thư</a></p>"), refused.Status);

    private static IResult Render(WebPage page, Raw note, int status) => page.Render("Dữ liệu cá nhân của cư dân", H($"""
        <h1>Yêu cầu của cư dân về dữ liệu cá nhân</h1>{note}
        <p class=m>Theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15, cư dân có quyền biết hệ thống lưu gì về mình và yêu cầu xoá.
        Tệp xuất có ngôn ngữ của cư dân, có thể cho biết dân tộc: đây là dữ liệu nhạy cảm, chỉ giao cho chính cư dân.</p>
        <form method=post action={Path}/export class=c id=export>{page.Csrf}
        <label for=ea>Số điện thoại hoặc mã Zalo</label><input id=ea name=address class=w maxlength={HeldAddress.MaxLength} autocomplete=off required>
        <p><label class=i><input type=radio name=format value=json checked> JSON</label><label class=i><input type=radio name=format value=csv> CSV</label></p>
        <button>Xuất dữ liệu</button></form>
        <form method=post action={Path}/erase class=c id=erase>{page.Csrf}
        <label for=xa>Số điện thoại hoặc mã Zalo</label><input id=xa name=address class=w maxlength={HeldAddress.MaxLength} autocomplete=off required>
        <p class=m>Tin nhắn hai chiều, địa chỉ, ghi chú của cán bộ và lượt nhận thông báo được ẩn danh; hồ sơ cư dân bị xoá. Số liệu báo cáo giữ nguyên. Không thể hoàn tác.</p>
        <label class=i><input type=checkbox name=confirm value=yes required> Tôi xác nhận cư dân đã yêu cầu xoá</label>
        <p><button>Xoá dữ liệu</button></p></form>
        """), status);
}
