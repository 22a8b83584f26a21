using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Web;
using static Gateway.App.Features.Web.Html;

namespace Gateway.App.Features.Inbox;

/// <summary>
/// The one access check of the inbox: load, check the official's scope, audit a refusal, answer 404 (one
/// conversation: its existence is not revealed) or 403 (a list of another commune or province). The API and the
/// pages differ only in how the refusal is written.
/// </summary>
public sealed class ConversationAccess(ConversationStore store, AuditLog audit, CommuneDirectory directory)
{
    /// <summary>The conversation if <paramref name="official"/> may see it; null otherwise, audited as <paramref name="action"/> when it exists.</summary>
    public async Task<ConversationRow?> LoadAsync(Guid id, Official official, string action, string? detail = null)
    {
        var row = await store.FindAsync(id);
        if (row is not null && official.CanAccess(row.CommuneCode, row.ProvinceCode))
        {
            // Reading residents' messages is personal data: every view is in the audit log, not only refusals.
            if (action == "conversation.read") await audit.WriteAsync(official.Username, action, $"conversation:{id}", "ok");
            return row;
        }
        if (row is not null) await audit.WriteAsync(official.Username, action, $"conversation:{id}", "denied", detail);
        return null;
    }

    /// <summary>For the API: the row, or the 404 problem to answer.</summary>
    public async Task<(ConversationRow? Row, IResult? Denied)> ForApiAsync(Guid id, Official official, string action, string? detail = null) =>
        await LoadAsync(id, official, action, detail) is { } row ? (row, null) : (null, ApiNotFound);

    /// <summary>For the pages: the row, or the 404 page to answer.</summary>
    public async Task<(ConversationRow? Row, IResult? Denied)> ForPageAsync(Guid id, WebPage page, string action) =>
        await LoadAsync(id, page.Official!, action) is { } row ? (row, null) : (null, PageNotFound(page));

    public static IResult ApiNotFound => Results.Problem(statusCode: 404, title: "No such conversation");

    public static IResult PageNotFound(WebPage page) => page.Render("Không tìm thấy",
        H($"<h1>Không tìm thấy hội thoại</h1><p class=c>Hội thoại này không có hoặc không thuộc hộp thư của bạn. <a href=/inbox>Về hộp thư</a></p>"),
        StatusCodes.Status404NotFound);

    /// <summary>A commune's inbox list: the commune, or null when it is not this official's (audited).</summary>
    public async Task<Commune?> CommuneInboxAsync(Official official, string communeCode)
    {
        var commune = directory.FindCommune(communeCode);
        if (commune is not null && official.CanAccess(commune.Code, commune.ProvinceCode)) return commune;
        await audit.WriteAsync(official.Username, "inbox.list", $"commune:{communeCode}", "denied");
        return null;
    }

    /// <summary>A province-wide list: only that province's officers (audited otherwise).</summary>
    public async Task<bool> ProvinceInboxAsync(Official official, string provinceCode)
    {
        if (official.IsProvince && official.ProvinceCode == provinceCode) return true;
        await audit.WriteAsync(official.Username, "inbox.list", $"province:{provinceCode}", "denied");
        return false;
    }
}
