using Gateway.Channels;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Inbox.List;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Inbox.Thread;

/// <summary>
/// <c>GET /conversations/{id}</c>: the thread with each outgoing message's delivery state, a reply form (with the SMS
/// segment count) and status buttons. The reply and status forms post to their own use cases (Reply/, Status/), which
/// render this page again with their error. Someone else's conversation is a 404 (and an audit entry), as in the API.
/// </summary>
public static class ConversationPage
{
    public static IEndpointRouteBuilder MapConversationPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/conversations/{id:guid}", async (Guid id, string? sent, string? done, string? canned, HttpContext http, ConversationAccess access,
            Canned.CannedReplyStore cannedReplies, [AsParameters] Deps d) =>
        {
            var page = new WebPage(http);
            var (row, denied) = await access.ForPageAsync(id, page, "conversation.read");
            if (row is null) return denied!;
            await d.Store.MarkReadAsync(row.Id, page.Official!.Username);
            // A canned reply chosen from the list fills the reply box (a link: no script needed).
            var text = canned is not null && await cannedReplies.FindForAsync(page.Official, row, canned) is { } c ? c.Text : "";
            return await RenderAsync(page, d, row, text, NewKey(), null,
                sent == "1" ? "Đã xếp trả lời vào hàng gửi." : done is not null ? "Đã lưu." : null);
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    /// <summary>What rendering needs, resolved from DI in one parameter.</summary>
    public sealed record Deps(ConversationStore Store, ConversationEvents Events, Actions.ConversationActions Actions,
        Canned.CannedReplyStore Canned, CommuneDirectory Directory, ChannelCatalog Channels, TimeProvider Time);

    /// <summary>A fresh idempotency key for the reply form: a double tap or a re-sent POST sends once.</summary>
    public static string NewKey() => "web-" + Guid.CreateVersion7().ToString("N");

    public static IResult SignInAgain(Guid id) => WebPages.SeeOther("/login?returnUrl=" + Uri.EscapeDataString($"/conversations/{id}"));

    private static readonly (string Status, string Label)[] StatusButtons =
        [(ConversationStatus.Open, "Mở lại"), (ConversationStatus.Pending, "Chuyển sang đang chờ"), (ConversationStatus.Resolved, "Đánh dấu đã giải quyết")];

    public static async Task<IResult> RenderAsync(WebPage page, Deps d, ConversationRow row, string text, string key,
        string? error, string? notice, int status = StatusCodes.Status200OK)
    {
        var messages = await d.Store.MessagesAsync(Guid.Parse(row.Id));
        var events = await d.Events.ListAsync(Guid.Parse(row.Id));
        var dto = row.ToDto();
        var channelType = d.Channels.Find(row.ChannelKey)?.Type;
        var isSms = ChannelTypes.IsSms(channelType);
        var inbox = row.CommuneCode is null ? "Hộp phân loại (chưa rõ xã)" : d.Directory.FindCommune(row.CommuneCode)?.Name ?? row.CommuneCode;

        var items = messages.Select((m, i) =>
        {
            var kind = m.Direction == "out" ? Labels.MessageKind(m.Kind) : "Người dân";
            var who = m.Author is null ? Raw.Empty : H($" ({m.Author})");
            var badge = m.Direction == "out"
                ? H($" · <span class=\"b {(m.Status is "failed" or "unknown" ? "failed" : "")}\">{Labels.MessageStatus(m.Direction, m.Status)}{(m.ErrorCode is null ? "" : " " + m.ErrorCode)}</span>{(m.Status is "failed" or "unknown" && m.ErrorMessage is { } why ? H($" <span class=m>{why}</span>") : Raw.Empty)}")
                : Raw.Empty;
            var last = i == messages.Count - 1 ? new Raw(" id=last") : Raw.Empty;
            return (m.CreatedAt, H($"<li class={(m.Direction == "out" ? "out" : "in")}{last}><p>{m.Text}</p><span class=m>{kind}{who} · {Time(m.CreatedAt)}{badge}</span></li>"));
        }).Concat(events.Select(e => (e.At, H($"<li class=ev data-kind={e.Kind}><span class=m>{EventLabel(e, d.Directory)} · {e.Actor} · {Time(e.At)}</span>{(e.Detail is { } detail && e.Kind is ConversationEvents.Note or ConversationEvents.Return or ConversationEvents.Escalate ? H($"<p>{detail}</p>") : Raw.Empty)}</li>"))))
            .OrderBy(x => x.Item1).Select(x => x.Item2).ToList();

        var buttons = Join(StatusButtons.Where(b => b.Status != row.Status)
            .Select(b => H($"<button name=status value={b.Status} class=s>{b.Label}</button>")));
        var sms = isSms ? Labels.SmsInfo(text) : $"{text.Length} ký tự";
        // One click to the unaccented text when that costs fewer SMS: residents read it fine, the commune pays less.
        var unaccent = isSms && text.Length > 0 && Gateway.Channels.Text.SmsEncoding.Analyze(Gateway.Channels.Text.SmsEncoding.Unaccented(text)).Segments < Gateway.Channels.Text.SmsEncoding.Analyze(text).Segments
            ? H($"<button name=do value=unaccent class=s>Bỏ dấu ({Gateway.Channels.Text.SmsEncoding.Analyze(Gateway.Channels.Text.SmsEncoding.Unaccented(text)).Segments} tin)</button>") : Raw.Empty;
        var canned = await d.Canned.ListForAsync(page.Official!, row);
        var cannedLinks = canned.Count == 0 ? Raw.Empty
            : H($"<p class=m id=canned>Mẫu trả lời: {Join(canned.Select(c => H($"<a href=\"/conversations/{dto.Id}?canned={Q(c.Id)}#reply\">{c.Title}</a> ")))}</p>");
        var actions = await ActionsFormAsync(page, d, row, dto.Id);
        var now = d.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var facts = H($"<p class=m id=facts>Phân loại: <b>{ConversationCategory.Label(row.Category)}</b> · Phụ trách: <b>{row.AssignedTo ?? "chưa giao"}</b>{(row.FirstReplyAt is null && row.FirstReplyDue is { } fr ? H($" · Hạn trả lời: <b>{Time(fr)}</b>") : Raw.Empty)}{(row.ResolveDue is { } rd && row.Status != ConversationStatus.Resolved ? H($" · Hạn giải quyết: <b>{Time(rd)}</b>") : Raw.Empty)}{(row.IsOverdue(now) ? H($" <span class=\"b failed\" id=overdue>Quá hạn</span>") : Raw.Empty)}{(row.EscalatedAt is not null ? H($" <span class=\"b pending\" id=escalated>Đã chuyển lên tỉnh</span>") : Raw.Empty)}</p>");

        var body = H($"""
            <p class=m><a href=/inbox>← Hộp thư</a></p>
            <h1>Hội thoại {row.TrackingCode} <span class="b {row.Status}">{Labels.ConversationStatus(row.Status)}</span></h1>
            <p class=m>{dto.Resident} · {InboxPage.ChannelLabel(d.Channels, row.ChannelKey)} · {inbox} · bắt đầu {Time(row.CreatedAt)}</p>
            {(notice is null ? Raw.Empty : H($"<p class=ok role=status>{notice}</p>"))}{(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            {facts}
            <ol class=t id=messages>{Join(items)}</ol>
            <form method=post action="/conversations/{dto.Id}/reply" class=c id=reply>{page.Csrf}<input type=hidden name=k value="{key}">
            <label for=text>Trả lời người dân</label>
            <textarea id=text name=text rows=4 maxlength={SendReply.MaxLength}>{text}</textarea>
            <p class=m id=sms aria-live=polite{(isSms ? new Raw(" data-sms=1") : Raw.Empty)}>{sms}</p>
            {cannedLinks}
            <button name=do value=send>Gửi trả lời</button><button name=do value=preview class=s>Tính số tin</button>{unaccent}
            </form>
            {actions}
            <form method=post action="/conversations/{dto.Id}/status" class=c>{page.Csrf}<span class=m>Trạng thái:</span> {buttons}</form>
            <p class=m><a href="/conversations/{dto.Id}">Tải lại</a></p>
            """);
        return page.Render($"Hội thoại {row.TrackingCode}", body, status, new Raw(SmsCounterScript + Live.InboxStream.Script($"/conversations/{dto.Id}/stream?since={d.Time.GetUtcNow().ToUnixTimeMilliseconds()}", "messages", "facts")));
    }

    private static string EventLabel(ConversationEvents.Event e, CommuneDirectory directory) => e.Kind switch
    {
        ConversationEvents.Note => "Ghi chú nội bộ",
        ConversationEvents.Assign => e.Detail is null ? "Bỏ giao việc" : $"Giao cho {e.Detail}",
        ConversationEvents.Transfer => $"Chuyển xã: {e.Detail}",
        ConversationEvents.Escalate => "Chuyển lên tỉnh",
        ConversationEvents.Return => "Tỉnh trả về xã kèm chỉ đạo",
        ConversationEvents.Category => $"Phân loại: {ConversationCategory.Label(e.Detail)}",
        ConversationEvents.Status => $"Trạng thái: {Labels.ConversationStatus(e.Detail ?? "")}",
        ConversationEvents.Overdue => $"Quá hạn{(e.Detail is null ? "" : ": " + e.Detail)}",
        _ => e.Kind,
    };

    /// <summary>The help desk's forms: assign or take, category, note, transfer, escalate (and, for the province, send back).</summary>
    private static async Task<Raw> ActionsFormAsync(WebPage page, Deps d, ConversationRow row, Guid id)
    {
        var officials = await d.Actions.AssignableAsync(row);
        Raw Option(string value, string label, bool selected) => H($"<option value=\"{value}\"{(selected ? new Raw(" selected") : Raw.Empty)}>{label}</option>");
        var assign = Join(officials.Select(o => Option(o.Username, $"{o.DisplayName} ({o.Username})", o.Username == row.AssignedTo)).Prepend(Option("", "— chưa giao —", row.AssignedTo is null)));
        var categories = Join(ConversationCategory.All.Select(c => Option(c, ConversationCategory.Label(c), c == row.Category)));
        var communes = Join(d.Directory.CommunesOf(row.ProvinceCode).Where(c => c.Code != row.CommuneCode)
            .OrderBy(c => c.Name, StringComparer.Create(System.Globalization.CultureInfo.InvariantCulture, false)).Select(c => Option(c.Code, c.Name, false)));
        string Form(Raw inner) => H($"<form method=post action=\"/conversations/{id}/actions\" class=row>{page.Csrf}{inner}</form>").Value;
        var back = page.Official!.IsProvince && row.EscalatedAt is not null
            ? H($"<label for=ins class=m>Chỉ đạo cho xã</label><input id=ins name=instruction class=w required><button name=do value=return>Trả về xã</button>")
            : Raw.Empty;
        var escalate = row.EscalatedAt is null && row.CommuneCode is not null
            ? H($"<input name=note class=w placeholder=\"Lý do (không bắt buộc)\" aria-label=\"Lý do chuyển lên tỉnh\"><button name=do value=escalate class=s>Chuyển lên tỉnh</button>")
            : Raw.Empty;
        return H($"""
            <details class=c id=actions><summary>Xử lý hội thoại</summary>
            {new Raw(Form(H($"<label for=as class=m>Giao cho</label><select id=as name=assignee>{assign}</select><button name=do value=assign class=s>Giao</button><button name=do value=take class=s>Tôi nhận</button>")))}
            {new Raw(Form(H($"<label for=cat class=m>Phân loại</label><select id=cat name=category>{categories}</select><button name=do value=category class=s>Lưu</button>")))}
            {new Raw(Form(H($"<label for=nt class=m>Ghi chú nội bộ (người dân không thấy)</label><textarea id=nt name=note rows=2 maxlength={Actions.ConversationActions.MaxNoteLength}></textarea><button name=do value=note class=s>Thêm ghi chú</button>")))}
            {new Raw(Form(H($"<label for=tr class=m>Chuyển sang xã</label><select id=tr name=commune>{communes}</select><input name=note class=w placeholder=\"Ghi chú\" aria-label=\"Ghi chú chuyển xã\"><button name=do value=transfer class=s>Chuyển</button>")))}
            {(escalate.Value.Length == 0 ? Raw.Empty : new Raw(Form(escalate)))}
            {(back.Value.Length == 0 ? Raw.Empty : new Raw(Form(back)))}
            </details>
            """);
    }

    /// <summary>
    /// Recomputes the line under the reply box while typing (SmsEncoding's rules: GSM-7 160/153, UCS-2 70/67, escapes and
    /// surrogate pairs never split). ES5 for old phone browsers. Only an aid: the server shows the same line on "Tính số tin".
    /// </summary>
    private const string SmsCounterScript = """
        (function(){var t=document.getElementById('text'),o=document.getElementById('sms');if(!t||!o)return;var sms=o.getAttribute('data-sms');
        var B="@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",X="\f^{}\\[~]|€";
        function nfc(s){return s.normalize?s.normalize('NFC'):s}
        function plain(s){return s.normalize?s.normalize('NFD').replace(/[\u0300-\u036f]/g,'').replace(/\u0111/g,'d').replace(/\u0110/g,'D').normalize('NFC'):s}
        function an(s){var g=1,i,c,u=[],tot=0,one,part,seg=1,used=0;for(i=0;i<s.length;i++){c=s.charAt(i);if(B.indexOf(c)<0&&X.indexOf(c)<0){g=0;break}}
        for(i=0;i<s.length;i++){c=s.charCodeAt(i);if(!g&&c>=55296&&c<56320&&i+1<s.length){u.push(2);i++}else u.push(g&&X.indexOf(s.charAt(i))>=0?2:1)}
        one=g?160:70;part=g?153:67;for(i=0;i<u.length;i++)tot+=u[i];if(!tot)return{g:g,s:0,r:one};if(tot<=one)return{g:g,s:1,r:one-tot};
        for(i=0;i<u.length;i++){if(used+u[i]>part){seg++;used=0}used+=u[i]}return{g:g,s:seg,r:part-used}}
        function up(){var s=nfc(t.value).replace(/\r/g,'').replace(/^\s+|\s+$/g,''),r,q,m=s.length+' ký tự';
        if(sms){r=an(s);m+=' · '+(r.g?'GSM-7 (không dấu)':'UCS-2 (có dấu)')+' · '+r.s+' tin SMS';if(r.s)m+=' · còn '+r.r+' ký tự';
        if(!r.g&&s.length){q=an(plain(s));if(q.s<r.s)m+=' (không dấu: '+q.s+' tin)'}}o.innerHTML='';o.appendChild(document.createTextNode(m))}
        t.oninput=up;t.onkeyup=up;up()})();
        """;
}
