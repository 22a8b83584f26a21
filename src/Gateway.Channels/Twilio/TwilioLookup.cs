using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Gateway.Channels.Twilio;

/// <summary>
/// <c>GET /2010-04-01/Accounts/{sid}/Messages.json?To=…&amp;PageSize=50</c>: the newest messages to the number,
/// matched on body, sender and creation time. Deliberately not filtered with <c>DateSent&gt;=</c>: a message still
/// in Twilio's queue has no <c>date_sent</c> yet, and missing it would send it a second time.
/// </summary>
internal static class TwilioLookup
{
    private const int PageSize = 50;

    public static async Task<LookupResult> FindAsync(OutboundMessage message, DateTimeOffset since, ChannelOptions channel, HttpClient http, CancellationToken ct)
    {
        if (message.To.Scheme != Urn.Tel || string.IsNullOrEmpty(channel.AccountSid) || string.IsNullOrEmpty(channel.AuthToken))
            return new LookupResult.Unavailable("not a Twilio SMS with credentials");
        var baseUrl = (channel.ApiBaseUrl ?? TwilioSender.DefaultApiBaseUrl).TrimEnd('/');
        var url = $"{baseUrl}/2010-04-01/Accounts/{Uri.EscapeDataString(channel.AccountSid)}/Messages.json?To={Uri.EscapeDataString(message.To.Path)}&PageSize={PageSize}";
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{channel.AccountSid}:{channel.AuthToken}")));
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return new LookupResult.Unavailable($"HTTP {(int)response.StatusCode}");
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (!doc.RootElement.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array)
                return new LookupResult.Unavailable("the answer has no messages list");
            var body = message.Text.Normalize(NormalizationForm.FormC);
            foreach (var m in list.EnumerateArray())
            {
                if (Json.String(m, "body") != body || Json.String(m, "to") != message.To.Path) continue;
                if (!string.IsNullOrEmpty(channel.From) && Json.String(m, "from") is { Length: > 0 } from && from != channel.From) continue;
                if (Created(m) is { } created && created < since.AddMinutes(-1)) continue; // an earlier send of the same text
                if (Json.String(m, "sid") is not { Length: > 0 } sid) continue;
                return new LookupResult.Found(sid, TwilioStatus.ToDeliveryStatus(Json.String(m, "status")) ?? DeliveryStatus.Sent);
            }
            return new LookupResult.NotFound();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return new LookupResult.Unavailable(e.GetType().Name);
        }
    }

    /// <summary>Twilio's dates are RFC 1123: <c>Wed, 02 Dec 2026 08:15:00 +0000</c>.</summary>
    private static DateTimeOffset? Created(JsonElement m) =>
        DateTimeOffset.TryParse(Json.String(m, "date_created"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : null;
}
