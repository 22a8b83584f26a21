using System.Globalization;
using System.Text;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Oversight;

/// <summary>
/// <c>/oversight</c> (page) and <c>/api/provinces/{code}/dashboard</c> (JSON, or CSV with <c>format=csv</c>): the
/// province's figures per commune for a period, with a trend chart drawn as inline SVG (no script). Province officers only.
/// </summary>
public static class DashboardPages
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/oversight", async (string? from, string? to, HttpContext http, Dashboard dashboard, CommuneDirectory directory, TimeProvider time, AuditLog audit) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince)
            {
                await audit.WriteAsync(page.Official.Username, "oversight.page", null, "denied");
                return page.Render("Không có quyền", H($"<p class=e>Chỉ cán bộ cấp tỉnh xem bảng theo dõi. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
            }
            var data = await dashboard.BuildAsync(page.Official.ProvinceCode, Period.Parse(from, to, time.GetUtcNow()));
            return page.Render("Theo dõi", Render(data, directory, page.Official.ProvinceCode));
        }).RequireAuthorization().ExcludeFromDescription();

        // The page's download link (the session cookie is not accepted under /api).
        app.MapGet("/oversight/export", async (string? from, string? to, HttpContext http, Dashboard dashboard, CommuneDirectory directory, TimeProvider time, AuditLog audit) =>
        {
            var official = Auth.Official.From(http.User)!;
            if (!official.IsProvince) return Results.Problem(statusCode: 403, title: "Province officers only");
            var data = await dashboard.BuildAsync(official.ProvinceCode, Period.Parse(from, to, time.GetUtcNow()));
            return CsvFile(data, directory, official.ProvinceCode);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapGet("/api/provinces/{provinceCode}/dashboard", async (string provinceCode, string? from, string? to, string? format, HttpContext http,
            Dashboard dashboard, CommuneDirectory directory, TimeProvider time, AuditLog audit) =>
        {
            var official = Auth.Official.From(http.User)!;
            if (!official.IsProvince || official.ProvinceCode != provinceCode)
            {
                await audit.WriteAsync(official.Username, "oversight.dashboard", $"province:{provinceCode}", "denied");
                return Results.Problem(statusCode: 403, title: "Not your province");
            }
            var data = await dashboard.BuildAsync(provinceCode, Period.Parse(from, to, time.GetUtcNow()));
            if (format == "csv") return CsvFile(data, directory, provinceCode);
            return Results.Ok(new
            {
                from = data.Period.From, to = data.Period.To,
                communes = data.Communes.Select(c => new
                {
                    communeCode = c.CommuneCode, name = Name(c.CommuneCode, directory), c.Received, c.Open, c.Overdue, c.Resolved,
                    medianFirstResponseMinutes = c.MedianFirstResponseMinutes, answeredInTimeShare = c.AnsweredInTimeShare, categories = c.Categories,
                }),
                trend = data.Trend.Select(t => new { day = t.Day, received = t.Received, resolved = t.Resolved }),
            });
        }).RequireAuthorization().WithTags("Oversight");
        return app;
    }

    private static IResult CsvFile(DashboardData data, CommuneDirectory directory, string provinceCode) =>
        Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv(data, directory))).ToArray(), "text/csv; charset=utf-8",
            $"theo-doi-{provinceCode}-{data.Period.From:yyyyMMdd}-{data.Period.To:yyyyMMdd}.csv");

    private static string Name(string? code, CommuneDirectory directory) => code is null ? "Hộp phân loại" : directory.FindCommune(code)?.Name ?? code;

    private static string Minutes(double? m) => m is not { } v ? "–" : v < 60 ? $"{v:0} phút" : v < 1440 ? $"{v / 60:0.#} giờ" : $"{v / 1440:0.#} ngày";
    private static string Share(double? s) => s is { } v ? $"{v * 100:0}%" : "–";

    public static string Csv(DashboardData data, CommuneDirectory directory)
    {
        var sb = new StringBuilder("commune_code,commune,received,open,overdue,resolved,median_first_response_minutes,answered_in_time_share\n");
        foreach (var c in data.Communes)
            sb.Append(CultureInfo.InvariantCulture, $"{c.CommuneCode},\"{Name(c.CommuneCode, directory).Replace("\"", "\"\"")}\",{c.Received},{c.Open},{c.Overdue},{c.Resolved},{c.MedianFirstResponseMinutes:0.#},{c.AnsweredInTimeShare:0.###}\n");
        return sb.ToString();
    }

    private static Raw Render(DashboardData data, CommuneDirectory directory, string provinceCode)
    {
        var rows = Join(data.Communes.Select(c => H($"<tr><td>{Name(c.CommuneCode, directory)}</td><td>{c.Received}</td><td>{c.Open}</td><td>{c.Overdue}</td><td>{c.Resolved}</td><td>{Minutes(c.MedianFirstResponseMinutes)}</td><td>{Share(c.AnsweredInTimeShare)}</td><td class=m>{string.Join(", ", c.Categories.OrderByDescending(x => x.Value).Select(x => $"{ConversationCategory.Label(x.Key == "" ? null : x.Key)} {x.Value}"))}</td></tr>")));
        return H($"""
            <h1>Theo dõi: {directory.FindProvince(provinceCode)?.FullName ?? provinceCode}</h1>
            <form method=get action=/oversight class=row><label for=f class=m>Từ</label><input id=f type=date name=from value="{data.Period.FromText}"><label for=t class=m>đến</label><input id=t type=date name=to value="{data.Period.ToText}"><button class=s>Xem</button>
            <a href="/oversight/export?{data.Period.Query}">Tải CSV</a></form>
            {Chart(data)}
            <table id=dashboard><tr><th>Xã</th><th>Nhận</th><th>Đang mở</th><th>Quá hạn</th><th>Đã giải quyết</th><th>Trả lời đầu (trung vị)</th><th>Trả lời đúng hạn</th><th>Phân loại</th></tr>{rows}</table>
            """);
    }

    /// <summary>Received (bars) and resolved (dots) per day, scaled to the busiest day.</summary>
    private static Raw Chart(DashboardData data)
    {
        var max = Math.Max(1, data.Trend.Select(t => Math.Max(t.Received, t.Resolved)).DefaultIfEmpty(1).Max());
        var w = Math.Max(1, 600 / Math.Max(1, data.Trend.Count));
        var bars = new StringBuilder();
        for (var i = 0; i < data.Trend.Count; i++)
        {
            var (day, received, resolved) = data.Trend[i];
            var h = (int)(100.0 * received / max);
            bars.Append(CultureInfo.InvariantCulture, $"<rect x=\"{i * w}\" y=\"{100 - h}\" width=\"{Math.Max(1, w - 1)}\" height=\"{h}\" fill=\"#4a7\"><title>{day:dd/MM}: nhận {received}, giải quyết {resolved}</title></rect>");
            bars.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{i * w + w / 2.0}\" cy=\"{100 - 100.0 * resolved / max}\" r=\"2\" fill=\"#246\"/>");
        }
        return H($"<figure class=c><svg id=trend viewBox=\"0 0 {data.Trend.Count * w} 100\" width=\"100%\" height=\"120\" role=img aria-label=\"Số hội thoại nhận (cột) và giải quyết (chấm) mỗi ngày\">{new Raw(bars.ToString())}</svg><figcaption class=m>Cột: nhận mỗi ngày · chấm: giải quyết · cao nhất {max}</figcaption></figure>");
    }
}
