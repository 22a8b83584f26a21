using System.Text.Json;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Web;
using Gateway.App.Features.Webhooks;
using Gateway.Channels;
using Gateway.Channels.Text;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Simulator;

/// <summary>
/// <c>GET /simulator</c>: a resident's phone on the embedded default. Type a text, send it (<c>POST /simulator/send</c>,
/// the same path as <c>POST /api/simulator/messages</c>), and watch the gateway answer. The thread
/// (<c>GET /simulator/thread</c>, an HTML fragment) refreshes every 2 s with a few lines of script; without script,
/// a "Làm mới" link does it. Exists only when a <c>simulator</c> channel is configured.
/// </summary>
public static class SimulatorPage
{
    public const string DefaultPhone = "0912345678";
    private const int ThreadLength = 60;
    private static readonly string[] SamplePhones = [DefaultPhone, "0987654321", "0369123456", "0701234567"];

    public static IEndpointRouteBuilder MapSimulatorPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/simulator", async (string? phone, HttpContext http, ChannelCatalog channels, SimulatorThread web) =>
        {
            var channel = Simulator(channels);
            if (channel is null) return Results.NotFound();
            var page = new WebPage(http);
            phone = string.IsNullOrWhiteSpace(phone) ? DefaultPhone : phone.Trim();
            if (!PhoneNumber.TryNormalize(phone, out var e164))
                return Render(page, phone, null, Raw.Empty, "Số điện thoại không hợp lệ.", StatusCodes.Status400BadRequest);
            return Render(page, phone, e164, await ThreadAsync(web, channel, e164), null);
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/simulator/thread", async (string? phone, HttpContext http, ChannelCatalog channels, SimulatorThread web) =>
        {
            var channel = Simulator(channels);
            if (channel is null) return Results.NotFound();
            if (!PhoneNumber.TryNormalize(phone, out var e164)) return Results.BadRequest();
            var fragment = (await ThreadAsync(web, channel, e164)).Value;
            // Polled every 2 s: answer 304 when nothing changed, so a slow link carries a few bytes, not the thread.
            var etag = $"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(fragment)))[..16]}\"";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers.ETag = etag;
            if (http.Request.Headers.IfNoneMatch == etag) return Results.StatusCode(StatusCodes.Status304NotModified);
            return Results.Content(fragment, "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/simulator/send", async (HttpContext http, ChannelCatalog channels, InboundWriter writer, SimulatorThread web, CancellationToken ct) =>
        {
            var channel = Simulator(channels);
            if (channel is null) return Results.NotFound();
            var page = new WebPage(http);
            var script = http.Request.Headers["X-Requested-With"] == "fetch";
            var valid = await WebPages.IsValidPostAsync(http);
            var phone = valid ? http.Request.Form["phone"].ToString().Trim() : DefaultPhone;
            var text = valid ? http.Request.Form["text"].ToString() : "";
            PhoneNumber.TryNormalize(phone, out var e164);
            string? error = !valid ? "Biểu mẫu đã hết hạn. Vui lòng gửi lại."
                : string.IsNullOrEmpty(e164) ? "Số điện thoại không hợp lệ."
                : VietText.Normalize(text).Length == 0 ? "Tin nhắn đang trống." : null;
            if (error is not null)
            {
                if (script) return Results.Problem(statusCode: 400, title: error);
                var thread = string.IsNullOrEmpty(e164) ? Raw.Empty : await ThreadAsync(web, channel, e164);
                return Render(page, phone, string.IsNullOrEmpty(e164) ? null : e164, thread, error, StatusCodes.Status400BadRequest, text);
            }

            // Exactly what POST /api/simulator/messages does: the simulator adapter parses, the inbound writer persists.
            var json = JsonSerializer.SerializeToUtf8Bytes(new { from = phone, text });
            var request = new InboundRequest("POST", "/simulator/send", new Dictionary<string, string>(), json, "application/json");
            if (channel.Adapter.Handle(WebhookKind.Receive, request, channel.Options) is not InboundResult.Accepted accepted)
                return Results.Problem(statusCode: 400, title: "Tin nhắn không hợp lệ.");
            var id = await writer.StoreAsync(channel.Key, accepted.Events.OfType<MessageReceived>().Single(), ct);
            // The page shows the thread from messages: wait the moment the mover takes to bring it there from the log.
            await http.RequestServices.GetRequiredService<Routing.IngestLogMover>().WaitMovedAsync(id, TimeSpan.FromSeconds(5), ct);
            return script ? Results.NoContent() : WebPages.SeeOther("/simulator?phone=" + Uri.EscapeDataString(phone));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static ChannelInstance? Simulator(ChannelCatalog channels) => channels.All.FirstOrDefault(c => c.Type == ChannelTypes.Simulator);

    private static async Task<Raw> ThreadAsync(SimulatorThread web, ChannelInstance channel, string e164)
    {
        var messages = await web.ThreadAsync(channel.Key, Urn.Simulated(e164).ToString(), ThreadLength);
        if (messages.Count == 0) return H($"<li class=m>Chưa có tin nhắn. Hãy gửi một câu hỏi cho xã.</li>");
        // On the phone the resident's own texts are the outgoing ones (right), the gateway's come in (left).
        return Join(messages.Select(m => m.Direction == "in"
            ? H($"<li class=out><p>{m.Text}</p><span class=m>{ShortTime(m.CreatedAt)}</span></li>")
            : H($"<li class=in><p>{m.Text}</p><span class=m>Tổng đài xã · {ShortTime(m.CreatedAt)}</span></li>")));
    }

    private static IResult Render(WebPage page, string phone, string? e164, Raw thread, string? error, int status = StatusCodes.Status200OK, string text = "")
    {
        var options = Join(SamplePhones.Select(p => H($"<option value=\"{p}\">")));
        var body = H($"""
            <div class=c id=phone>
            <form method=get action=/simulator class=row><label for=ph class=m>Số máy</label><input id=ph name=phone value="{phone}" list=phones inputmode=tel size=12><datalist id=phones>{options}</datalist><button class=s>Đổi số</button></form>
            <h1>Tin nhắn với xã</h1>{(error is null ? Raw.Empty : H($"<p class=e role=alert>{error}</p>"))}
            <ol class=t id=thread aria-live=polite data-phone="{phone}">{thread}</ol>
            {(e164 is null ? Raw.Empty : H($"<form method=post action=/simulator/send id=send>{page.Csrf}<input type=hidden name=phone value=\"{phone}\"><label for=text>Soạn tin</label><textarea id=text name=text rows=3 maxlength=1600>{text}</textarea><button>Gửi</button> <a href=\"/simulator?phone={Q(phone)}\">Làm mới</a></form>"))}
            </div>
            <p class=m>Điện thoại mô phỏng của người dân: chỉ dùng để thử, không gửi tin thật.</p>
            """);
        return page.Render("Điện thoại mô phỏng", body, status, new Raw(Script));
    }

    /// <summary>Refresh the thread every 2 s (skipped while the tab is hidden) and send without reloading. ES5.</summary>
    private const string Script = """
        (function(){var th=document.getElementById('thread'),f=document.getElementById('send');if(!th||!window.fetch)return;
        var url='/simulator/thread?phone='+encodeURIComponent(th.getAttribute('data-phone')),last=th.innerHTML,busy=0;
        function down(){th.lastElementChild&&th.lastElementChild.scrollIntoView&&th.lastElementChild.scrollIntoView(false)}
        function load(){if(busy||document.hidden)return;busy=1;fetch(url,{credentials:'same-origin'}).then(function(r){return r.ok?r.text():null})
        .then(function(h){busy=0;if(h!==null&&h!==last){th.innerHTML=h;last=h;down()}},function(){busy=0})}
        setInterval(load,2000);down();
        if(f)f.onsubmit=function(e){var t=f.elements.text;if(!t.value.replace(/\s+/g,''))return false;e.preventDefault();
        fetch(f.action,{method:'POST',body:new FormData(f),credentials:'same-origin',headers:{'X-Requested-With':'fetch'}})
        .then(function(r){if(!r.ok)throw r;t.value='';load()})['catch'](function(){f.onsubmit=null;f.submit()})};})();
        """;
}
