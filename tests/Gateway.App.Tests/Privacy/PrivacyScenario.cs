using System.Text.Json;
using Dapper;
using Gateway.App.Features.Auth;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Inbox.Actions;
using Gateway.App.Features.Inbox.Reply;
using Gateway.App.Features.Inbox.Status;
using Gateway.App.Features.Notices.Audiences;
using Gateway.App.Features.Notices.Broadcasts;
using Gateway.App.Features.Notices.Scheduling;
using Gateway.App.Features.Oversight;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Outbox;
using Gateway.App.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using ConversationRow = Gateway.App.Features.Inbox.ConversationRow;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Privacy;

/// <summary>
/// What the privacy tests arrange on a <see cref="GatewayTestHost"/>: residents who wrote to Xã Liên Sơn (a
/// conversation each, a reply, a note), a notice to the commune, and the figures the reports give, to compare before
/// and after anonymising.
/// </summary>
internal sealed class PrivacyScenario(GatewayTestHost host)
{
    public static readonly Official Officer = new("o-ls", "lienson", "UBND Xã Liên Sơn", Official.CommuneRole, LienSon, "25");
    public static readonly Official Admin = new("o-admin", "quantri", "Quản trị viên", Official.AdminRole, null, "");
    private static readonly Official Creator = new("o-pt", "phutho", "Sở", Official.ProvinceRole, null, "25");
    private static readonly Official Approver = new("o-pt2", "phuthoduyet", "Sở", Official.ProvinceRole, null, "25");

    public sealed record Resident(string Phone, string Urn, string Question, string Reply, string Note, ConversationRow Conversation);

    /// <summary>A resident writes, the commune replies and notes; <paramref name="resolve"/> closes it.</summary>
    public async Task<Resident> ResidentWritesAsync(string phone, string marker, bool resolve, string? language = null)
    {
        var question = $"Xin hỏi về trợ cấp {marker}";
        await host.ReceiveAsync(question, phone, LienSonChannel);
        var id = await host.ScalarAsync<string>("SELECT conversation_id FROM messages WHERE direction = 'in' AND text = @question", new { question });
        var conversation = (await host.Get<ConversationStore>().FindAsync(Guid.Parse(id)))!;
        var reply = $"Mời ông bà lên xã ngày mai {marker}";
        var note = $"Ghi chú: hộ nghèo, thôn Đồng Bến {marker}";
        await host.Get<SendReply>().SendAsync(conversation, reply, Officer.Username, null);
        await host.Get<ConversationActions>().AddNoteAsync(conversation, note, Officer);
        await host.SettledAsync();
        await host.Get<DbWriter>().WriteAsync(w => ResidentStore.SetCommuneAsync(w.Connection, w.Tx, conversation.ResidentId, LienSon, w.Now));
        if (language is not null)
            await host.Get<DbWriter>().WriteAsync(w => ResidentStore.SetLanguageAsync(w.Connection, w.Tx, conversation.ResidentId, language, w.Now));
        if (resolve) await host.Get<ChangeStatus>().ChangeAsync((await host.Get<ConversationStore>().FindAsync(Guid.Parse(id)))!, ConversationStatus.Resolved, Officer.Username);
        return new Resident(phone, Gateway.Channels.Urn.Phone(phone).ToString(), question, reply, note, conversation);
    }

    /// <summary>A notice to everyone of Liên Sơn, approved and sent through the simulator.</summary>
    public async Task<BroadcastRow> NoticeAsync()
    {
        var row = new BroadcastRow
        {
            Id = Guid.CreateVersion7().ToString(), ProvinceCode = "25", TemplateKey = "canh-bao-sat-lo",
            Variables = JsonSerializer.Serialize(new Dictionary<string, string> { ["xa"] = LienSon, ["ngay"] = "2026-12-10", ["khu_vuc"] = "thôn Đồng Bến" }),
            Audience = JsonSerializer.Serialize(new Audience([LienSon], [], [], false), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            Emergency = true, Status = BroadcastStatus.PendingApproval, CreatedBy = Creator.Username, CreatedAt = host.Time.NowMs(),
        };
        await host.Get<DbWriter>().WriteAsync(w => BroadcastStore.InsertAsync(w.Connection, w.Tx, row));
        await host.Get<BroadcastActions>().ApproveAsync(Approver, row);
        await host.Hosted<BroadcastScheduler>().PassAsync(false, CancellationToken.None);
        BroadcastRow? b = null;
        await EventuallyAsync(async () => (b = await host.Get<BroadcastStore>().FindAsync(row.Id))!.Status == BroadcastStatus.Completed, "the notice to complete");
        return b!;
    }

    /// <summary>The dashboard of Phú Thọ for November 2026 and the notice's report, as JSON: equal strings, equal figures.</summary>
    public async Task<string> FiguresAsync(BroadcastRow notice)
    {
        var dashboard = await host.Get<Dashboard>().BuildAsync("25", Period.Parse("2026-11-01", "2026-11-30", host.Time.GetUtcNow()));
        var report = await host.Get<BroadcastReport>().BuildAsync(notice);
        var counts = await host.Get<BroadcastStore>().CountsAsync(notice.Id, notice.Run);
        return JsonSerializer.Serialize(new { dashboard.Communes, Trend = dashboard.Trend.Select(t => new { t.Day, t.Received, t.Resolved }), report, counts });
    }

    /// <summary>Every row of every table (read straight from the SQLite file) holding <paramref name="needle"/>.</summary>
    public async Task<List<string>> RowsContainingAsync(string needle)
    {
        await using var c = new SqliteConnection($"Data Source={Path.Combine(host.Folder, "gateway.db")};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        var tables = (await c.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).ToList();
        var found = new List<string>();
        foreach (var table in tables)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                for (var i = 0; i < reader.FieldCount; i++)
                    if (!reader.IsDBNull(i) && reader.GetValue(i) is string s && s.Contains(needle, StringComparison.Ordinal))
                        found.Add($"{table}.{reader.GetName(i)}: {s}");
        }
        return found;
    }
}
