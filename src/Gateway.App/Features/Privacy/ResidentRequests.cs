using System.Text;
using System.Text.Json;
using Gateway.App.Features.Audit;
using Gateway.App.Features.Auth;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// A resident's request as an admin handles it, for the API and the page alike: the typed address checked, the data
/// found, exported (<c>resident.export</c>) or erased (<c>resident.erase</c>), each audited with the resident's id; the
/// address itself never reaches the audit log or the logs. Only admins: anyone else is refused and audited.
/// </summary>
public sealed class ResidentRequests(Db db, ResidentErasure erasure, AuditLog audit, TimeProvider time)
{
    public const string JsonType = "application/json; charset=utf-8";
    public const string CsvType = "text/csv; charset=utf-8";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public sealed record Problem(int Status, string Title, string Vietnamese);
    public sealed record Export(string FileName, string ContentType, byte[] Body);

    public static readonly Problem BadAddress = new(StatusCodes.Status400BadRequest, "address must be a phone number, a Zalo user id, or a tel:/zalo: URN",
        "Địa chỉ phải là số điện thoại, mã Zalo, hoặc dạng tel:… / zalo:….");
    public static readonly Problem NothingHeld = new(StatusCodes.Status404NotFound, "nothing is held about this address",
        "Hệ thống không lưu dữ liệu nào về địa chỉ này.");
    public static readonly Problem NotAdmin = new(StatusCodes.Status403Forbidden, "Admins only",
        "Chỉ quản trị viên được xuất hoặc xoá dữ liệu của cư dân.");

    /// <summary>Refuses anyone but an admin (audited); null lets an admin through.</summary>
    public async Task<Problem?> RefuseUnlessAdminAsync(Official official, string action)
    {
        if (official.IsAdmin) return null;
        await audit.WriteAsync(official.Username, action, null, "denied");
        return NotAdmin;
    }

    public async Task<(Export? Export, Problem? Problem)> ExportAsync(Official admin, string? address, string format, CancellationToken ct = default)
    {
        var (held, problem) = await FindAsync(address, "resident.export", admin, ct);
        if (held is null) return (null, problem);
        var data = await PersonalData.ReadAsync(db, held, time.GetUtcNow(), ct);
        if (data.IsEmpty)
        {
            await audit.WriteAsync(admin.Username, "resident.export", null, "failed", "nothing held");
            return (null, NothingHeld);
        }
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        await audit.WriteAsync(admin.Username, "resident.export", held.Target, "ok", csv ? "csv" : "json");
        var name = $"resident-{held.ResidentId ?? "address"}.{(csv ? "csv" : "json")}";
        var body = csv ? new UTF8Encoding(false).GetBytes(PersonalDataCsv.Write(data)) : JsonSerializer.SerializeToUtf8Bytes(data, Json);
        return (new Export(name, csv ? CsvType : JsonType, body), null);
    }

    public async Task<(ResidentErasure.Outcome? Outcome, Problem? Problem)> EraseAsync(Official admin, string? address, CancellationToken ct = default)
    {
        var (held, problem) = await FindAsync(address, "resident.erase", admin, ct);
        if (held is null) return (null, problem);
        var data = await PersonalData.ReadAsync(db, held, time.GetUtcNow(), ct);
        if (data.IsEmpty)
        {
            await audit.WriteAsync(admin.Username, "resident.erase", null, "failed", "nothing held");
            return (null, NothingHeld);
        }
        return (await erasure.EraseAsync(admin.Username, held, ct), null);
    }

    private async Task<(HeldAddress? Held, Problem? Problem)> FindAsync(string? address, string action, Official admin, CancellationToken ct)
    {
        if (HeldAddress.Normalize(address) is not { } urn)
        {
            await audit.WriteAsync(admin.Username, action, null, "failed", "not an address");
            return (null, BadAddress);
        }
        return (await HeldAddress.FindAsync(db, urn, ct), null);
    }
}
