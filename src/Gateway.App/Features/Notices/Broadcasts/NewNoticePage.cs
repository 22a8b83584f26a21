using System.Globalization;
using System.Text.Json;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Web;
using Microsoft.Extensions.Primitives;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Notices.Broadcasts;

/// <summary>
/// <c>GET /notices/new?template=</c> and <c>POST /notices/new</c>: one plain form (no script needed). "Xem trước"
/// posts it and shows <see cref="BroadcastPreview"/> on the same page without creating anything; "Tạo thông báo"
/// checks it exactly like <c>POST /api/broadcasts</c> (<see cref="CreateBroadcast.CheckAsync"/>), creates it pending
/// approval (<see cref="CreateBroadcast.CreateAsync"/>) and goes to its page. Choosing another template is a GET
/// (its variables decide the inputs).
/// </summary>
public static class NewNoticePage
{
    public static IEndpointRouteBuilder MapNewNoticePage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/notices/new", async (string? template, HttpContext http, [AsParameters] NoticePages.Deps d) =>
        {
            var page = new WebPage(http);
            if (!page.Official!.IsProvince) return await NoticePages.DeniedAsync(page, d.Audit, "broadcast.create");
            var form = new NoticeForm { TemplateKey = template?.Trim() ?? "" };
            return await RenderAsync(page, d, form, null, null);
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapPost("/notices/new", async (HttpContext http, [AsParameters] NoticePages.Deps d) =>
        {
            var page = new WebPage(http);
            if (page.Official is null) return WebPages.SeeOther("/login?returnUrl=%2Fnotices%2Fnew");
            var official = page.Official;
            if (!official.IsProvince) return await NoticePages.DeniedAsync(page, d.Audit, "broadcast.create");
            if (!await WebPages.IsValidPostAsync(http))
                return await RenderAsync(page, d, new NoticeForm(), "Biểu mẫu đã hết hạn. Vui lòng điền lại.", null, StatusCodes.Status400BadRequest);

            var form = NoticeForm.Read(http.Request.Form);
            if (form.ToRequest(NoticePages.Zone(d)) is not { } request)
                return await RenderAsync(page, d, form, "Thời điểm gửi không hợp lệ.", null, StatusCodes.Status400BadRequest);
            var check = await d.Create.CheckAsync(request, official, http.RequestAborted);
            if (check.Problem is not null)
                return await RenderAsync(page, d, form, $"Chưa tạo được thông báo, vui lòng sửa lại: {check.Problem}", null, StatusCodes.Status400BadRequest);

            if (form.Do != "create")
            {
                var preview = await d.Preview.ComputeAsync(check.Template, check.Values, check.Audience, official.ProvinceCode, http.RequestAborted);
                return await RenderAsync(page, d, form, null, preview);
            }
            var row = await d.Create.CreateAsync(check, request, official);
            return WebPages.SeeOther($"/notices/{row.Id}?done=created");
        }).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> RenderAsync(WebPage page, NoticePages.Deps d, NoticeForm form, string? error, PreviewDto? preview,
        int status = StatusCodes.Status200OK)
    {
        var province = page.Official!.ProvinceCode;
        var templates = (await d.Templates.ListAsync(province)).OrderBy(NoticeTemplateView.Title, StringComparer.Create(CultureInfo.InvariantCulture, false)).ToList();
        var template = templates.FirstOrDefault(t => t.Key == form.TemplateKey) ?? templates.FirstOrDefault();
        if (template is null)
            return page.Render("Tạo thông báo", H($"<h1>Tạo thông báo</h1><p class=e>Tỉnh chưa có mẫu thông báo nào.</p>"), status);
        var communes = d.Directory.CommunesOf(province).OrderBy(c => c.Name, StringComparer.Create(CultureInfo.InvariantCulture, false)).ToList();

        Raw Selected(bool on) => on ? new Raw(" selected") : Raw.Empty;
        Raw Checked(bool on) => on ? new Raw(" checked") : Raw.Empty;
        Raw CommuneOptions(Func<string, bool> selected) =>
            // 150 communes, twice on the page: unquoted codes (five digits) and no end tags keep it small on a 2G link.
            Join(communes.Select(c => H($"<option value={c.Code}{Selected(selected(c.Code))}>{c.Name}")));

        var choose = H($"""
            <form method=get action=/notices/new class="c row"><label for=tp class=m>Mẫu thông báo</label>
            <select id=tp name=template>{Join(templates.Select(t => H($"<option value=\"{t.Key}\"{Selected(t.Key == template.Key)}>{NoticeTemplateView.Title(t)}</option>")))}</select>
            <button class=s>Chọn mẫu</button></form>
            """);

        var inputs = Join(NoticeTemplateView.Variables(template).Select(v =>
        {
            var id = "v_" + v.Name;
            var value = form.Variables.GetValueOrDefault(v.Name) ?? "";
            var field = v.Type switch
            {
                "commune" => H($"<select id=\"{id}\" name=\"{id}\" required><option value=\"\">— chọn xã —</option>{CommuneOptions(c => c == value)}</select>"),
                "date" => H($"<input id=\"{id}\" name=\"{id}\" type=date value=\"{value}\" required>"),
                "time" => H($"<input id=\"{id}\" name=\"{id}\" type=time value=\"{value}\" required>"),
                "money" => H($"<input id=\"{id}\" name=\"{id}\" type=number min=0 step=1 inputmode=numeric value=\"{value}\" required> <span class=m>đồng</span>"),
                "number" => H($"<input id=\"{id}\" name=\"{id}\" type=number step=any value=\"{value}\" required>"),
                _ => H($"<input id=\"{id}\" name=\"{id}\" class=w value=\"{value}\" required>"),
            };
            return H($"<label for=\"{id}\">{v.Name} <span class=m>({TypeLabel(v.Type)})</span></label>{field}");
        }));

        var languages = Join(Languages.Default.All.Select(l =>
            H($"<span class=ck><input type=checkbox id=\"l_{l.Code}\" name=languages value=\"{l.Code}\"{Checked(form.Languages.Contains(l.Code))}><label class=i for=\"l_{l.Code}\">{l.Name}</label></span> ")));

        var body = H($"""
            <p class=m><a href=/notices>← Thông báo</a></p>
            <h1>Tạo thông báo</h1>
            {(error is null ? Raw.Empty : H($"<p class=e role=alert id=error>{error}</p>"))}
            {choose}
            <form method=post action=/notices/new class=c id=notice>{page.Csrf}<input type=hidden name=template value="{template.Key}">
            <fieldset id=vars><legend>Nội dung: {NoticeTemplateView.Title(template)}</legend>{inputs}</fieldset>
            <fieldset id=audience><legend>Người nhận</legend>
            <input type=checkbox id=au_all name=wholeProvince value=1{Checked(form.WholeProvince)}><label class=i for=au_all>Cả tỉnh</label>
            <label for=au_c>Hoặc các xã (giữ Ctrl để chọn nhiều)</label><select id=au_c name=communes multiple size=6 class=w>{CommuneOptions(form.Communes.Contains)}</select>
            <label for=au_t>Nhãn (cách nhau bằng dấu phẩy)</label><input id=au_t name=tags class=w value="{form.Tags}">
            <p class=m>Ngôn ngữ (người đọc ngôn ngữ này):</p>{languages}
            </fieldset>
            <fieldset><legend>Thời gian</legend>
            <label for=at>Gửi lúc (giờ Việt Nam; để trống = ngay khi được duyệt)</label><input id=at name=sendAt type=datetime-local value="{form.SendAt}">
            <label for=rc>Lặp lại (cron 5 trường, không bắt buộc, vd. <code>0 8 * * 1</code> = 8 giờ sáng thứ Hai)</label><input id=rc name=recurrence class=w value="{form.Recurrence}">
            <p><input type=checkbox id=em name=emergency value=1{Checked(form.Emergency)}><label class=i for=em>Khẩn cấp (gửi cả trong giờ nghỉ đêm)</label></p>
            </fieldset>
            <button name=do value=preview class=s>Xem trước</button><button name=do value=create>Tạo thông báo</button>
            <p class=m>Thông báo mới chờ một cán bộ tỉnh khác duyệt rồi mới gửi.</p>
            </form>
            {(preview is null ? Raw.Empty : Preview(d, preview))}
            """);
        return page.Render("Tạo thông báo", body, status);
    }

    private static string TypeLabel(string type) => type switch
    {
        "commune" => "xã", "date" => "ngày", "time" => "giờ", "money" => "số tiền", "number" => "số", _ => "chữ",
    };

    private const int ShownCommunes = 30;

    private static Raw Preview(NoticePages.Deps d, PreviewDto p)
    {
        var communes = Join(p.ByCommune.Take(ShownCommunes).Select(c => H($"<tr><td>{NoticePages.CommuneName(d.Directory, c.CommuneCode)}</td><td class=n>{c.Count}</td></tr>")));
        var more = p.ByCommune.Count > ShownCommunes ? H($"<p class=m>… và {p.ByCommune.Count - ShownCommunes} xã khác.</p>") : Raw.Empty;
        var languages = Join(p.ByLanguage.Select(l => H($"<tr><td>{NoticePages.LanguageName(l.Language)}</td><td class=n>{l.Count}</td><td class=n>{l.Fallback}</td></tr>")));
        var channels = Join(p.ByChannel.Select(c => H($"<tr><td>{NoticePages.ChannelName(d.Channels, c.Channel)}</td><td class=n>{c.Count}</td></tr>")));
        var versions = Join(p.Versions.Select(v => H($"""
            <div class=c><b>{NoticePages.LanguageName(v.Language)}</b> <span class=m>· SMS {v.Encoding}{(v.Encoding == "UCS-2" ? " (có dấu)" : "")} · {v.Segments} tin · {v.Text.Length} ký tự</span><p>{v.Text}</p>{(v.ZaloText is null || v.ZaloText == v.Text ? Raw.Empty : H($"<p class=m>Zalo: {v.ZaloText}</p>"))}</div>
            """)));
        return H($"""
            <section class=c id=preview aria-live=polite><h2>Xem trước (chưa tạo gì)</h2>
            <p id=recipients><b>{p.Recipients}</b> người nhận · bỏ qua {p.Skipped.OptedOut} người đã từ chối nhận, {p.Skipped.NoChannel} người không có kênh nhận</p>
            <p>Chi phí ước tính: <b>{Amount(p.EstimatedCost.Amount)} {p.EstimatedCost.Currency}</b> · thời gian gửi ước tính: <b>{Duration(p.EstimatedDurationSeconds)}</b></p>
            <h3>Nội dung từng ngôn ngữ</h3>{versions}
            <h3>Theo xã</h3><table id=by-commune><tr><th>Xã</th><th>Người nhận</th></tr>{communes}</table>{more}
            <h3>Theo ngôn ngữ</h3><table id=by-language><tr><th>Ngôn ngữ</th><th>Người nhận</th><th>Nhận bản tiếng Việt (chưa có bản dịch)</th></tr>{languages}</table>
            <h3>Theo kênh</h3><table id=by-channel><tr><th>Kênh</th><th>Người nhận</th></tr>{channels}</table>
            </section>
            """);
    }

    /// <summary>1500000 → "1.500.000", the Vietnamese way.</summary>
    private static string Amount(decimal amount) => Math.Round(amount).ToString("#,0", CultureInfo.InvariantCulture).Replace(',', '.');

    private static string Duration(long seconds) => seconds switch
    {
        < 1 => "dưới 1 giây",
        < 60 => $"{seconds} giây",
        < 3600 => $"{seconds / 60} phút {seconds % 60} giây",
        _ => $"{seconds / 3600} giờ {seconds / 60 % 60} phút",
    };
}

/// <summary>What the form posted, kept as typed so a refused form comes back filled in.</summary>
public sealed class NoticeForm
{
    public string TemplateKey { get; init; } = "";
    public Dictionary<string, string> Variables { get; init; } = new(StringComparer.Ordinal);
    public bool WholeProvince { get; init; }
    public List<string> Communes { get; init; } = [];
    public string Tags { get; init; } = "";
    public List<string> Languages { get; init; } = [];
    public string SendAt { get; init; } = "";
    public string Recurrence { get; init; } = "";
    public bool Emergency { get; init; }
    public string Do { get; init; } = "preview";

    public static NoticeForm Read(IFormCollection f)
    {
        static List<string> All(StringValues v) => v.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!.Trim()).Distinct().ToList();
        return new NoticeForm
        {
            TemplateKey = f["template"].ToString().Trim(),
            Variables = f.Keys.Where(k => k.StartsWith("v_", StringComparison.Ordinal))
                .ToDictionary(k => k[2..], k => f[k].ToString().Trim(), StringComparer.Ordinal),
            WholeProvince = f["wholeProvince"] == "1",
            Communes = All(f["communes"]),
            Tags = f["tags"].ToString().Trim(),
            Languages = All(f["languages"]),
            SendAt = f["sendAt"].ToString().Trim(),
            Recurrence = f["recurrence"].ToString().Trim(),
            Emergency = f["emergency"] == "1",
            Do = f["do"].ToString(),
        };
    }

    /// <summary>The API's request for this form; null when "send at" is not a local date and time.</summary>
    public CreateBroadcastRequest? ToRequest(TimeZoneInfo zone)
    {
        DateTimeOffset? sendAt = null;
        if (SendAt.Length > 0)
        {
            if (!DateTime.TryParseExact(SendAt, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                return null;
            sendAt = new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        return new CreateBroadcastRequest(
            TemplateKey,
            Variables.Where(kv => kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => JsonSerializer.SerializeToElement(kv.Value)),
            new AudienceRequest(Communes, Tags.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Languages, WholeProvince),
            sendAt, Recurrence.Length == 0 ? null : Recurrence, Emergency);
    }
}
