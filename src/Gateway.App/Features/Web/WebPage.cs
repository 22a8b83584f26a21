using System.Security.Cryptography;
using System.Text;
using Gateway.App.Features.Auth;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Web;

/// <summary>
/// One server-rendered page: the shared layout (inline CSS, header with sign-out), the anti-forgery field for its
/// forms, and a per-response CSP nonce so only our own inline script and style run, whatever a resident typed.
/// </summary>
public sealed class WebPage(HttpContext http)
{
    private string? _requestToken;

    public HttpContext Http => http;
    public string Nonce { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
    public Official? Official { get; } = Official.From(http.User);

    /// <summary>The hidden anti-forgery field; the matching cookie is set on this response.</summary>
    public Raw Csrf
    {
        get
        {
            _requestToken ??= http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken;
            return H($"<input type=hidden name={WebPages.AntiforgeryField} value=\"{_requestToken}\">");
        }
    }

    /// <param name="head">Extra markup for &lt;head&gt;, e.g. a <c>&lt;meta http-equiv=refresh&gt;</c> on a page that follows a running send.</param>
    public IResult Render(string title, Raw body, int status = StatusCodes.Status200OK, Raw script = default, Raw head = default)
    {
        var header = Official is null
            ? H($"<header><b>Cổng tin nhắn xã</b></header>")
            : H($"<header><a href=/inbox><b>Cổng tin nhắn xã</b></a>{(Official.IsProvince ? H($"<a href=/notices>Thông báo</a><a href=/oversight>Theo dõi</a><a href=/audit>Nhật ký</a><a href=/channels>Kênh</a>") : Raw.Empty)}{(Official.IsAdmin ? H($"<a href=/admin/officials>Tài khoản</a><a href=/admin/residents>Dữ liệu cư dân</a><a href=/audit>Nhật ký</a>") : Raw.Empty)}<span>{Official.DisplayName}</span><form method=post action=/logout>{Csrf}<button class=s>Đăng xuất</button></form></header>");
        var scriptTag = script.Value is null ? Raw.Empty : H($"<script nonce=\"{Nonce}\">{script}</script>");
        var html = H($"<!doctype html><html lang=vi><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\"><title>{title} · Cổng tin nhắn xã</title>{head}<style nonce=\"{Nonce}\">{new Raw(Css)}</style></head><body>{header}<main>{body}</main>{scriptTag}</body></html>");
        return new HtmlResult(html.Value, status, Nonce);
    }

    /// <summary>The whole stylesheet: small enough to inline in every page (one round trip on a 2G link).</summary>
    public const string Css =
        "*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,Roboto,Arial,sans-serif;color:#1a1a1a;background:#f3f4f6}" +
        "header{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;padding:8px 12px;background:#14532d;color:#fff}" +
        "header a{color:#fff;text-decoration:none}header form{margin:0 0 0 auto}header button{margin:0;padding:3px 10px}main{max-width:760px;margin:0 auto;padding:8px 10px}" +
        "a{color:#0b57d0}h1{font-size:1.2em;margin:.4em 0}.c{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px;margin:8px 0}" +
        "ul.l{list-style:none;padding:0;margin:0}.l li{background:#fff;border:1px solid #ddd;border-radius:6px;margin:6px 0}" +
        ".l a{display:block;padding:8px 10px;text-decoration:none;color:inherit}.l b{color:#0b57d0}" +
        ".m{color:#555;font-size:.87em}.b{display:inline-block;padding:0 7px;border-radius:9px;font-size:.82em;background:#e5e7eb;color:#111}" +
        ".open{background:#fde68a}.pending{background:#bfdbfe}.resolved{background:#bbf7d0}.failed{background:#fecaca}" +
        "nav{margin:6px 0}nav a{display:inline-block;margin:0 10px 4px 0}nav a.on{font-weight:bold;color:#000;text-decoration:none}" +
        "input,select,textarea,button{font:inherit;padding:6px;max-width:100%}textarea,.w{width:100%}label{display:block;margin:8px 0 2px}" +
        "button{background:#0b57d0;color:#fff;border:0;border-radius:4px;padding:7px 14px;margin:4px 4px 0 0}button.s{background:#e5e7eb;color:#111}" +
        ".e{background:#fee2e2;border:1px solid #f5a3a3;padding:8px;border-radius:6px}.ok{background:#dcfce7;border:1px solid #9ddcb0;padding:8px;border-radius:6px}" +
        "ol.t{list-style:none;padding:0;margin:0}.t li{max-width:85%;margin:6px 0;padding:6px 9px;border-radius:8px}" +
        ".t .in{background:#fff;border:1px solid #ddd;margin-right:auto}.t .out{background:#dcf8c6;margin-left:auto}.t p{margin:0;white-space:pre-wrap;word-wrap:break-word}" +
        ".row{display:flex;flex-wrap:wrap;gap:6px;align-items:center}" +
        "table{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}th,td{border:1px solid #ddd;padding:3px 5px;text-align:left}td.n{text-align:right}" +
        "progress{width:100%;height:18px}fieldset{border:1px solid #ddd;border-radius:6px;margin:8px 0}label.i{display:inline;margin:0 10px 0 2px}.ck{white-space:nowrap;display:inline-block}.x{overflow-x:auto}";
}

/// <summary>UTF-8 HTML with the headers every page needs: no caching (personal data), CSP with the page's nonce.</summary>
public sealed class HtmlResult(string html, int statusCode, string nonce) : IResult
{
    public async Task ExecuteAsync(HttpContext http)
    {
        var bytes = Encoding.UTF8.GetBytes(html);
        var r = http.Response;
        r.StatusCode = statusCode;
        r.ContentType = "text/html; charset=utf-8";
        r.ContentLength = bytes.Length;
        r.Headers.CacheControl = "no-store";
        r.Headers["X-Content-Type-Options"] = "nosniff";
        r.Headers["X-Frame-Options"] = "DENY";
        r.Headers["Referrer-Policy"] = "same-origin";
        r.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        await r.Body.WriteAsync(bytes);
    }
}
