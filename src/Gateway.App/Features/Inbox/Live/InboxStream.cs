using Dapper;
using Gateway.App.Features.Auth;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox.Live;

/// <summary>
/// Server-sent events that say "something changed" for an inbox list or one conversation, so the page fetches itself
/// again without a reload. Each stream polls one cheap MAX(updated_at) in the official's scope; it ends after a few
/// minutes (the browser reconnects) so a stream never outlives a revoked session for long. Without script the pages'
/// refresh links do the same.
/// </summary>
public static class InboxStream
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public static IEndpointRouteBuilder MapInboxStream(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inbox/stream", async (string? commune, HttpContext http, Db db, ConversationAccess access) =>
        {
            var official = Official.From(http.User)!;
            string where;
            object args;
            if (!official.IsProvince) (where, args) = ("commune_code = @c", new { c = official.CommuneCode });
            else if (commune == List.InboxPage.Triage) (where, args) = ("province_code = @p AND commune_code IS NULL", new { p = official.ProvinceCode });
            else if (!string.IsNullOrEmpty(commune))
            {
                if (await access.CommuneInboxAsync(official, commune) is null) return Results.Problem(statusCode: 403, title: "Not your commune");
                (where, args) = ("commune_code = @c", new { c = commune });
            }
            else (where, args) = ("province_code = @p", new { p = official.ProvinceCode });
            await StreamAsync(http, db, $"SELECT MAX(updated_at) FROM conversations WHERE {where}", args);
            return Results.Empty;
        }).RequireAuthorization().ExcludeFromDescription();

        app.MapGet("/conversations/{id:guid}/stream", async (Guid id, HttpContext http, Db db, ConversationAccess access) =>
        {
            if (await access.LoadAsync(id, Official.From(http.User)!, "conversation.stream") is null) return ConversationAccess.ApiNotFound;
            // The conversation's own changes and its messages' delivery states.
            await StreamAsync(http, db,
                "SELECT MAX(v) FROM (SELECT updated_at AS v FROM conversations WHERE id = @id UNION ALL SELECT MAX(updated_at) FROM messages WHERE conversation_id = @id UNION ALL SELECT MAX(at) FROM conversation_events WHERE conversation_id = @id) x",
                new { id = id.ToString() });
            return Results.Empty;
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static async Task StreamAsync(HttpContext http, Db db, string versionSql, object args)
    {
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: do not hold the events back
        await http.Response.WriteAsync("retry: 3000\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
        // What the page already shows: the version of the last event it got (a reconnect sends it back), or the time
        // the page was rendered. A change in between is sent at once, so a reconnect never loses one.
        long? last = long.TryParse(http.Request.Headers["Last-Event-ID"], out var seen) ? seen
            : long.TryParse(http.Request.Query["since"], out var since) ? since : null;
        var until = DateTime.UtcNow + Lifetime;
        try
        {
            while (!ct.IsCancellationRequested && DateTime.UtcNow < until)
            {
                long version;
                await using (var c = await db.OpenAsync(ct))
                    version = await c.ExecuteScalarAsync<long?>(versionSql, args) ?? 0;
                if (last is not null && version > last)
                {
                    await http.Response.WriteAsync($"id: {version}\ndata: {version}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                }
                last = Math.Max(last ?? 0, version);
                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { /* the page went away */ }
    }

    /// <summary>
    /// The page script: on each event fetch the page again and swap in the element with <paramref name="elementIds"/>.
    /// ES5 for old phone browsers; does nothing where EventSource or fetch is missing.
    /// </summary>
    public static string Script(string streamUrl, params string[] elementIds) =>
        "(function(){if(!window.EventSource||!window.fetch||!window.DOMParser)return;var ids=" + System.Text.Json.JsonSerializer.Serialize(elementIds) + ";" +
        "var es=new EventSource(" + System.Text.Json.JsonSerializer.Serialize(streamUrl) + ");es.onmessage=function(){fetch(location.href,{credentials:'same-origin'}).then(function(r){return r.text()}).then(function(t){" +
        "var d=new DOMParser().parseFromString(t,'text/html');for(var i=0;i<ids.length;i++){var n=d.getElementById(ids[i]),o=document.getElementById(ids[i]);if(n&&o)o.parentNode.replaceChild(document.importNode(n,true),o)}})}})();";
}
