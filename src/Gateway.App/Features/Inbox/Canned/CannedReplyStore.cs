using Dapper;
using Gateway.App.Features.Auth;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Inbox.Canned;

/// <summary>
/// Canned replies: a commune's own and its province's. A commune officer edits their commune's; a province officer
/// edits the province's (offered to every commune of it). Everyone of the province reads the ones that apply.
/// </summary>
public sealed class CannedReplyStore(Db db, TimeProvider time)
{
    public const int MaxTitle = 100, MaxText = 1600;

    public sealed class CannedReply
    {
        public string Id { get; init; } = "";
        public string ProvinceCode { get; init; } = "";
        public string? CommuneCode { get; init; }
        public string Title { get; init; } = "";
        public string Text { get; init; } = "";
        public string UpdatedBy { get; init; } = "";
        public long UpdatedAt { get; init; }
    }

    private const string Columns = "id AS Id, province_code AS ProvinceCode, commune_code AS CommuneCode, title AS Title, text AS Text, updated_by AS UpdatedBy, updated_at AS UpdatedAt";

    /// <summary>The replies offered in a conversation: its commune's and its province's.</summary>
    public async Task<IReadOnlyList<CannedReply>> ListForAsync(Official official, ConversationRow row)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<CannedReply>(
            $"SELECT {Columns} FROM canned_replies WHERE province_code = @ProvinceCode AND (commune_code IS NULL OR commune_code = @CommuneCode) ORDER BY commune_code DESC, title",
            new { row.ProvinceCode, row.CommuneCode })).ToList();
    }

    public async Task<CannedReply?> FindForAsync(Official official, ConversationRow row, string id) =>
        (await ListForAsync(official, row)).FirstOrDefault(r => r.Id == id);

    /// <summary>What this official may read and edit: their commune's (commune officer) or their province's.</summary>
    public async Task<IReadOnlyList<CannedReply>> ListOwnAsync(Official official)
    {
        await using var c = await db.OpenAsync();
        return (await c.QueryAsync<CannedReply>(
            official.IsProvince
                ? $"SELECT {Columns} FROM canned_replies WHERE province_code = @ProvinceCode AND commune_code IS NULL ORDER BY title"
                : $"SELECT {Columns} FROM canned_replies WHERE province_code = @ProvinceCode AND commune_code = @CommuneCode ORDER BY title",
            new { official.ProvinceCode, official.CommuneCode })).ToList();
    }

    public static string? Problem(string? title, string? text) =>
        string.IsNullOrWhiteSpace(title) ? "title is required"
        : title.Length > MaxTitle ? $"title is limited to {MaxTitle} characters"
        : string.IsNullOrWhiteSpace(text) ? "text is required"
        : text.Length > MaxText ? $"text is limited to {MaxText} characters"
        : null;

    public async Task<CannedReply> CreateAsync(Official official, string title, string text)
    {
        var reply = new CannedReply
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = official.ProvinceCode, CommuneCode = official.IsProvince ? null : official.CommuneCode,
            Title = title.Trim(), Text = Gateway.Channels.Text.VietText.Normalize(text), UpdatedBy = official.Username, UpdatedAt = time.NowMs(),
        };
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync(
            "INSERT INTO canned_replies (id, province_code, commune_code, title, text, updated_by, updated_at) VALUES (@Id, @ProvinceCode, @CommuneCode, @Title, @Text, @UpdatedBy, @UpdatedAt)", reply);
        return reply;
    }

    /// <returns>false when it is not one this official may edit (or does not exist).</returns>
    public async Task<bool> UpdateAsync(Official official, string id, string title, string text)
    {
        if ((await ListOwnAsync(official)).All(r => r.Id != id)) return false;
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("UPDATE canned_replies SET title = @title, text = @text, updated_by = @by, updated_at = @now WHERE id = @id",
            new { id, title = title.Trim(), text = Gateway.Channels.Text.VietText.Normalize(text), by = official.Username, now = time.NowMs() });
        return true;
    }

    public async Task<bool> DeleteAsync(Official official, string id)
    {
        if ((await ListOwnAsync(official)).All(r => r.Id != id)) return false;
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("DELETE FROM canned_replies WHERE id = @id", new { id });
        return true;
    }
}
