using Gateway.App.Features.Audit;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Web;
using Gateway.App.Infrastructure.Database;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Residents;

/// <summary>
/// <c>/residents</c>: a province officer uploads the residents list (a CSV file from a plain form, no script) and sees
/// what was imported, updated and rejected (line and reason); export links for the province and each commune.
/// </summary>
public static class ResidentPages
{
    /// <summary>Rejected rows shown on the page; the API answers all of them.</summary>
    public const int ShownRejections = 500;

    public const string FileField = "file";

    public static IEndpointRouteBuilder MapResidentPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/residents", async (HttpContext http, Db db, CommuneDirectory directory, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await DeniedAsync(page, audit);
            return await RenderAsync(page, db, directory, Raw.Empty);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/residents", async (HttpContext http, Db db, CommuneDirectory directory, ResidentImporter importer, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=%2Fresidents");
            if (!page.Official.IsProvince) return await DeniedAsync(page, audit);
            ResidentsApi.AllowLargeBody(http); // before the form is read (by the anti-forgery check)
            if (!await WebPages.IsValidPostAsync(http))
                return await RenderAsync(page, db, directory, H($"<p class=e>Biểu mẫu đã hết hạn. Vui lòng chọn tệp và gửi lại.</p>"), StatusCodes.Status400BadRequest);
            var file = http.Request.Form.Files.GetFile(FileField);
            if (file is null || file.Length == 0)
                return await RenderAsync(page, db, directory, H($"<p class=e>Chưa chọn tệp CSV (hoặc tệp rỗng).</p>"), StatusCodes.Status400BadRequest);
            try
            {
                await using var csv = file.OpenReadStream();
                var result = await importer.ImportAsync(csv, page.Official.ProvinceCode, http.RequestAborted);
                await ResidentsApi.AuditAsync(audit, page.Official, result);
                return await RenderAsync(page, db, directory, Outcome(result));
            }
            catch (ResidentCsvHeaderException)
            {
                return await RenderAsync(page, db, directory,
                    H($"<p class=e>Dòng đầu của tệp phải là tiêu đề <code>{ResidentCsv.Header}</code>. Không có dòng nào được nhập.</p>"), StatusCodes.Status400BadRequest);
            }
        }).ExcludeFromDescription();

        // The page's download links: the session cookie is not accepted under /api.
        app.MapGet("/residents/export", ResidentsApi.ExportAsync).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static Raw Outcome(ImportResult result)
    {
        var summary = H($"<p class=ok id=outcome>Đã thêm <b>{result.Imported}</b> cư dân mới, cập nhật <b>{result.Updated}</b>, bỏ qua <b>{result.Rejected.Count}</b> dòng.</p>");
        if (result.Rejected.Count == 0) return summary;
        var rows = Join(result.Rejected.Take(ShownRejections).Select(r => H($"<tr><td>{r.Line}</td><td>{r.Reason}</td></tr>")));
        var more = result.Rejected.Count > ShownRejections
            ? H($"<p class=m>Chỉ hiện {ShownRejections} dòng đầu; sửa các dòng này rồi nhập lại cả tệp (dòng đã nhập sẽ được cập nhật, không nhân đôi).</p>")
            : Raw.Empty;
        return H($"{summary}<div class=c><b>Các dòng bị bỏ qua</b><table id=rejected><tr><th>Dòng</th><th>Lý do</th></tr>{rows}</table>{more}</div>");
    }

    private static async Task<IResult> RenderAsync(WebPage page, Db db, CommuneDirectory directory, Raw message, int status = StatusCodes.Status200OK)
    {
        var province = page.Official!.ProvinceCode;
        var communes = directory.CommunesOf(province);
        IReadOnlyList<(string CommuneCode, int Count)> counts;
        await using (var c = await db.OpenAsync()) counts = await ResidentStore.CountByCommuneAsync(c, communes.Select(x => x.Code).ToArray());
        var total = counts.Sum(x => x.Count);
        var links = Join(counts
            .Select(x => (Commune: directory.FindCommune(x.CommuneCode)!, x.Count))
            .OrderBy(x => x.Commune.Name, StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, false))
            .Select(x => H($"<li><a href=\"/residents/export?commune={Q(x.Commune.Code)}\">{x.Commune.Name}</a> <span class=m>{x.Count} cư dân</span></li>")));
        var body = H($"""
            <h1>Danh sách cư dân: {directory.FindProvince(province)?.FullName ?? province}</h1>
            {message}
            <form method=post action=/residents enctype="multipart/form-data" class=c>{page.Csrf}
            <label for=f>Tệp CSV (UTF-8), dòng đầu: <code>{ResidentCsv.Header}</code></label>
            <input id=f type=file name={FileField} accept=".csv,text/csv" required>
            <p class=m>Mỗi dòng một cư dân: số điện thoại và/hoặc mã Zalo, mã xã (5 chữ số, thuộc tỉnh), mã ngôn ngữ (vi, hnj, tyz…; để trống = giữ nguyên), nhãn cách nhau bằng dấu chấm phẩy. Nhập lại cùng tệp sẽ cập nhật, không nhân đôi.</p>
            <button>Nhập danh sách</button></form>
            <div class=c><b>Xuất danh sách (CSV)</b>
            <p><a href=/residents/export>Cả tỉnh</a> <span class=m>{total} cư dân</span></p>
            <ul>{links}</ul></div>
            """);
        return page.Render("Danh sách cư dân", body, status);
    }

    private static async Task<IResult> DeniedAsync(WebPage page, AuditLog audit)
    {
        await audit.WriteAsync(page.Official!.Username, "residents.page", null, "denied");
        return page.Render("Không có quyền", H($"<p class=e>Chỉ cán bộ cấp tỉnh quản lý danh sách cư dân. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
    }
}
