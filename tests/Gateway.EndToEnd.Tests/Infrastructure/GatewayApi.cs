using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.EndToEnd.Tests.Infrastructure;

public sealed record MessageView(string Id, string Direction, string? Text, string? Status, DateTimeOffset? CreatedAt);

public sealed record ConversationView(
    string Id, string? TrackingCode, string? CommuneCode, string? Status, string? Channel, JsonElement Resident,
    List<MessageView>? Messages);

public sealed record ApiResult<T>(HttpStatusCode StatusCode, T? Value, string RawBody)
{
    public bool Ok => (int)StatusCode is >= 200 and < 300;
}

/// <summary>The inbox REST API, as an official's client sees it (issue 2, "Contract").</summary>
public sealed class GatewayApi(GatewayProcess gateway)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<string, string> _tokens = new();

    public HttpClient Http => gateway.Http;

    public async Task<HttpResponseMessage> RequestTokenAsync(string username, string password) =>
        await Http.PostAsJsonAsync("/api/auth/token", new { username, password });

    public async Task<string> TokenAsync(string username)
    {
        if (_tokens.TryGetValue(username, out var cached)) return cached;
        using var response = await RequestTokenAsync(username, GatewayProcess.DemoPassword);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new GatewayFailedException($"POST /api/auth/token for {username} answered {(int)response.StatusCode}: {body}", gateway);
        using var doc = JsonDocument.Parse(body);
        var token = doc.RootElement.GetProperty("token").GetString()
                    ?? throw new GatewayFailedException("POST /api/auth/token returned a null token: " + body, gateway);
        _tokens[username] = token;
        return token;
    }

    /// <summary>Forget cached tokens (e.g. after a restart, if tokens do not survive it).</summary>
    public void ForgetTokens() => _tokens.Clear();

    private async Task<HttpRequestMessage> AuthorizedAsync(HttpMethod method, string path, string asUser)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(asUser));
        return request;
    }

    private static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response)
    {
        var raw = await response.Content.ReadAsStringAsync();
        T? value = default;
        if (response.IsSuccessStatusCode && raw.Length > 0)
        {
            try { value = JsonSerializer.Deserialize<T>(raw, Json); }
            catch (JsonException e) { throw new InvalidOperationException($"Unexpected JSON from the gateway ({e.Message}): {raw}", e); }
        }
        return new ApiResult<T>(response.StatusCode, value, raw);
    }

    public async Task<ApiResult<List<ConversationView>>> ConversationsAsync(string communeCode, string asUser, string? status = null)
    {
        var path = $"/api/communes/{communeCode}/conversations" + (status is null ? "" : $"?status={Uri.EscapeDataString(status)}");
        using var request = await AuthorizedAsync(HttpMethod.Get, path, asUser);
        using var response = await Http.SendAsync(request);
        return await ReadAsync<List<ConversationView>>(response);
    }

    public async Task<ApiResult<ConversationView>> ConversationAsync(string id, string asUser)
    {
        using var request = await AuthorizedAsync(HttpMethod.Get, $"/api/conversations/{id}", asUser);
        using var response = await Http.SendAsync(request);
        return await ReadAsync<ConversationView>(response);
    }

    public async Task<ApiResult<JsonElement>> ReplyAsync(string conversationId, string text, string asUser, string? idempotencyKey)
    {
        using var request = await AuthorizedAsync(HttpMethod.Post, $"/api/conversations/{conversationId}/replies", asUser);
        request.Content = JsonContent.Create(new { text });
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        using var response = await Http.SendAsync(request);
        return await ReadAsync<JsonElement>(response);
    }

    public async Task<ApiResult<JsonElement>> SetStatusAsync(string conversationId, string status, string asUser)
    {
        using var request = await AuthorizedAsync(HttpMethod.Post, $"/api/conversations/{conversationId}/status", asUser);
        request.Content = JsonContent.Create(new { status });
        using var response = await Http.SendAsync(request);
        return await ReadAsync<JsonElement>(response);
    }

    public async Task<ApiResult<JsonElement>> SimulatorSendAsync(string from, string text)
    {
        using var response = await Http.PostAsJsonAsync("/api/simulator/messages", new { from, text });
        return await ReadAsync<JsonElement>(response);
    }

    public async Task<ApiResult<JsonElement>> SimulatorInboxAsync(string to)
    {
        using var response = await Http.GetAsync($"/api/simulator/messages?to={Uri.EscapeDataString(to)}");
        return await ReadAsync<JsonElement>(response);
    }

    /// <summary>Any JSON API call as a signed-in official; the body (if any) is sent as JSON.</summary>
    public async Task<ApiResult<JsonElement>> SendAsync(HttpMethod method, string path, string asUser, object? body = null)
    {
        using var request = await AuthorizedAsync(method, path, asUser);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        using var response = await Http.SendAsync(request);
        return await ReadAsync<JsonElement>(response);
    }
}
