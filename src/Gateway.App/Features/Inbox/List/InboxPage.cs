using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Inbox.List;

/// <summary>
/// <c>GET /inbox</c>: a commune officer sees their commune's conversations; a province officer sees the whole
/// province and can narrow it to one commune or to the triage inbox (messages whose commune is not known yet).
/// </summary>
public static class InboxPage
{
    public const int PageSize = 25;
    public const string Triage = "triage";

    public static IEndpointRouteBuilder MapInboxPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox", async (string? status, string? commune, int? page, string? q, HttpContext http,
            ConversationStore store, ConversationAccess access, CommuneDirectory directory, ChannelCatalog channels, TimeProvider time, ResidentLanguages residents) =>
        {
            var view = new WebPage(http);
            var official = view.Official!;
            if (official.IsAdmin) return WebPages.SeeOther("/admin/officials"); // an admin manages accounts and reads no inbox
            status = InboxTabs.IsTab(status) ? status : null; // "status" is the tab: a status, or overdue / mine / unassigned / escalated
            q = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, 100)];
            commune = string.IsNullOrWhiteSpace(commune) ? null : commune.Trim();
            var p = Math.Clamp(page ?? 1, 1, 10_000);

            IReadOnlyList<ConversationRow> rows;
            string inboxName;
            if (!official.IsProvince)
            {
                commune = null;
                rows = await store.ListAsync(new InboxQuery(official.ProvinceCode, official.CommuneCode, false, status, q, official.Username, p, PageSize));
                inboxName = directory.FindCommune(official.CommuneCode ?? "")?.Name ?? official.DisplayName;
            }
            else if (commune is null)
            {
                rows = await store.ListAsync(new InboxQuery(official.ProvinceCode, null, false, status, q, official.Username, p, PageSize));
                inboxName = directory.FindProvince(official.ProvinceCode)?.FullName ?? official.DisplayName;
            }
            else if (commune == Triage)
            {
                rows = await store.ListAsync(new InboxQuery(official.ProvinceCode, null, true, status, q, official.Username, p, PageSize));
                inboxName = "Hộp phân loại (chưa rõ xã)";
            }
            else
            {
                if (await access.CommuneInboxAsync(official, commune) is not { } known)
                    return view.Render("Không có quyền", H($"<p class=e>Xã này không thuộc tỉnh của bạn. <a href=/inbox>Về hộp thư</a></p>"), StatusCodes.Status403Forbidden);
                rows = await store.ListAsync(new InboxQuery(official.ProvinceCode, known.Code, false, status, q, official.Username, p, PageSize));
                inboxName = known.Name;
            }

            string Link(string? s, string? c, int pg)
            {
                var qs = new List<string>();
                if (s is not null) qs.Add("status=" + Q(s));
                if (c is not null) qs.Add("commune=" + Q(c));
                if (q is not null) qs.Add("q=" + Q(q));
                if (pg > 1) qs.Add("page=" + pg);
                return "/inbox" + (qs.Count == 0 ? "" : "?" + string.Join("&", qs));
            }

            var tabs = Join(InboxTabs.All.Prepend(null).Select(s =>
                H($"<a href=\"{Link(s, commune, 1)}\"{(s == status ? new Raw(" class=on aria-current=page") : Raw.Empty)}>{InboxTabs.Label(s)}</a>")));
            var search = H($"<form method=get action=/inbox class=row role=search>{(status is null ? Raw.Empty : H($"<input type=hidden name=status value=\"{status}\">"))}{(commune is null ? Raw.Empty : H($"<input type=hidden name=commune value=\"{commune}\">"))}<input name=q value=\"{q ?? ""}\" placeholder=\"Mã theo dõi, số điện thoại hoặc nội dung\" aria-label=\"Tìm\" class=w><button class=s>Tìm</button></form>");

            var filter = Raw.Empty;
            if (official.IsProvince)
            {
                var counts = await store.CountsByCommuneAsync(official.ProvinceCode);
                var triage = counts.FirstOrDefault(x => x.CommuneCode is null);
                var options = counts.Where(x => x.CommuneCode is not null)
                    .Select(x => (Code: x.CommuneCode!, Name: directory.FindCommune(x.CommuneCode!)?.Name ?? x.CommuneCode!, x.OpenCount, x.Total))
                    .ToList();
                if (commune is not null && commune != Triage && options.All(o => o.Code != commune))
                    options.Add((commune, directory.FindCommune(commune)?.Name ?? commune, 0, 0));
                Raw Option(string value, string label, bool selected) =>
                    H($"<option value=\"{value}\"{(selected ? new Raw(" selected") : Raw.Empty)}>{label}</option>");
                var list = new List<Raw>
                {
                    Option("", "Tất cả các xã", commune is null),
                    Option(Triage, $"Hộp phân loại (chưa rõ xã): {triage?.OpenCount ?? 0} mở / {triage?.Total ?? 0}", commune == Triage),
                };
                list.AddRange(options.OrderBy(o => o.Name, StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, false))
                    .Select(o => Option(o.Code, $"{o.Name}: {o.OpenCount} mở / {o.Total}", o.Code == commune)));
                filter = H($"<form method=get action=/inbox class=row>{(status is null ? Raw.Empty : H($"<input type=hidden name=status value=\"{status}\">"))}<label for=cm class=m>Xã</label><select id=cm name=commune>{Join(list)}</select><button class=s>Lọc</button></form>");
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var languages = official.IsProvince ? await residents.LanguagesAsync(rows.Select(r => r.ResidentId).Distinct().ToArray()) : new Dictionary<string, string?>();
            var items = rows.Select(r =>
            {
                var dto = r.ToDto();
                var where = official.IsProvince ? (r.CommuneCode is null ? "Hộp phân loại" : directory.FindCommune(r.CommuneCode)?.Name ?? r.CommuneCode) + " · " : "";
                // Language is sensitive (ethnicity): only province officers see it in lists.
                var language = languages.GetValueOrDefault(r.ResidentId) is { } l ? $"{Languages.Default.Find(l)?.Name ?? l} · " : "";
                var unread = r.IsUnread ? H($"<span class=\"b open\" title=\"Chưa đọc\">mới</span> ") : Raw.Empty;
                var overdue = r.IsOverdue(now) ? H($" <span class=\"b failed\">Quá hạn</span>") : Raw.Empty;
                var due = r.FirstReplyAt is null && r.FirstReplyDue is { } fr ? $" · hạn trả lời {Time(fr)}" : r.Status != ConversationStatus.Resolved && r.ResolveDue is { } rd ? $" · hạn giải quyết {Time(rd)}" : "";
                return H($"<li{(r.IsUnread ? new Raw(" class=unread") : Raw.Empty)}><a href=\"/conversations/{dto.Id}\">{unread}<b>{r.TrackingCode}</b> <span class=\"b {r.Status}\">{Labels.ConversationStatus(r.Status)}</span>{overdue} <span class=m>{ConversationCategory.Label(r.Category)}{(r.AssignedTo is null ? "" : " · " + r.AssignedTo)}</span><br><span class=m>{dto.Resident} · {language}{ChannelLabel(channels, r.ChannelKey)} · {where}từ {Time(r.CreatedAt)}{due}</span></a></li>");
            }).ToList();
            var list2 = items.Count == 0
                ? H($"<p class=c>{(p > 1 ? "Không còn hội thoại nào." : "Chưa có hội thoại nào.")}</p>")
                : H($"<ul class=l id=conversations>{Join(items)}</ul>");
            var pager = H($"<p>{(p > 1 ? H($"<a href=\"{Link(status, commune, p - 1)}\">← Trang trước</a> ") : Raw.Empty)}{(rows.Count == PageSize ? H($"<a href=\"{Link(status, commune, p + 1)}\">Trang sau →</a>") : Raw.Empty)}</p>");

            // New messages appear without a reload (server-sent events); without script the refresh link does it.
            var live = new Raw(Live.InboxStream.Script($"/inbox/stream?since={time.GetUtcNow().ToUnixTimeMilliseconds()}" + (commune is null ? "" : "&commune=" + Q(commune)), "list"));
            return view.Render("Hộp thư", H($"<h1>Hộp thư: {inboxName}</h1>{filter}<nav>{tabs}</nav>{search}<div id=list>{list2}{pager}</div><p class=m>Mới nhất ở trên. <a href=\"{Link(status, commune, p)}\">Tải lại</a> · <a href=/inbox/canned>Mẫu trả lời</a></p>"), script: live);
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>"SMS", "Zalo" or "Mô phỏng" for a channel key.</summary>
    public static string ChannelLabel(ChannelCatalog channels, string key) =>
        channels.Find(key) is { } c ? Labels.ChannelType(c.Type) : key;
}
