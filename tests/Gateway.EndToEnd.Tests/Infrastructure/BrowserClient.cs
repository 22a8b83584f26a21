using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>A browser-like client (cookies, no redirects followed) signed in through the login form.</summary>
public static partial class BrowserClient
{
    public static async Task<HttpClient> SignedInAsync(GatewayProcess gateway, string username, string returnUrl = "/inbox")
    {
        var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = gateway.BaseUrl };
        var login = await browser.GetStringAsync("/login");
        using var signIn = await browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_af"] = Token(login), ["username"] = username, ["password"] = GatewayProcess.DemoPassword, ["returnUrl"] = returnUrl,
        }));
        if (signIn.StatusCode != HttpStatusCode.SeeOther)
            throw new GatewayFailedException($"signing in as {username} answered {(int)signIn.StatusCode}", gateway);
        return browser;
    }

    /// <summary>The anti-forgery field of a page's form.</summary>
    public static string Token(string html) => AntiforgeryField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no anti-forgery field in: " + html);

    [GeneratedRegex("name=_af value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
