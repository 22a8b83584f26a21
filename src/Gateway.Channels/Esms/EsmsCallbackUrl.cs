namespace Gateway.Channels.Esms;

/// <summary>The CallbackUrl eSMS will GET: the gateway's status URL plus the channel's secret, since eSMS signs nothing.</summary>
public static class EsmsCallbackUrl
{
    /// <summary>Null when either part is missing: no URL is better than one whose reports would all be refused.</summary>
    public static string? For(string? statusCallbackUrl, string? callbackSecret)
    {
        if (string.IsNullOrEmpty(statusCallbackUrl) || string.IsNullOrEmpty(callbackSecret)) return null;
        var hash = statusCallbackUrl.IndexOf('#');
        var url = hash >= 0 ? statusCallbackUrl[..hash] : statusCallbackUrl;
        var separator = !url.Contains('?') ? "?" : url.EndsWith('?') || url.EndsWith('&') ? "" : "&";
        return $"{url}{separator}{EsmsDeliveryReport.SecretParameter}={Uri.EscapeDataString(callbackSecret)}";
    }
}
