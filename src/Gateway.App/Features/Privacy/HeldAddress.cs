using Dapper;
using Gateway.App.Infrastructure.Database;
using GatewayUrn = Gateway.Channels.Urn;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Privacy;

/// <summary>
/// Whose data a request is about: the address an admin typed (<c>0912 345 678</c>, <c>+84912345678</c>, a Zalo user
/// id, or a URN <c>tel:…</c> / <c>zalo:…</c> / <c>sim:…</c>), the resident it belongs to (if the gateway knows one) and every address
/// of that person: a resident is one person with a phone and a Zalo id, and a request covers the person.
/// </summary>
public sealed record HeldAddress(string Urn, string? ResidentId, IReadOnlyList<string> Urns)
{
    public const int MaxLength = 100;

    /// <summary>The typed address as a URN, or null when it is none.</summary>
    public static string? Normalize(string? input)
    {
        var s = input?.Trim() ?? "";
        if (s.Length is 0 or > MaxLength) return null;
        if (s.StartsWith(GatewayUrn.Tel + ":", StringComparison.OrdinalIgnoreCase))
            return PhoneNumber.TryNormalize(s[4..], out var e) ? GatewayUrn.Phone(e).ToString() : null;
        // A simulated resident (the demo's phone in the browser) is asked for by its own scheme, never as a phone.
        if (s.StartsWith(GatewayUrn.Sim + ":", StringComparison.OrdinalIgnoreCase))
            return PhoneNumber.TryNormalize(s[4..], out var sim) ? GatewayUrn.Simulated(sim).ToString() : null;
        if (s.StartsWith(GatewayUrn.Zalo + ":", StringComparison.OrdinalIgnoreCase))
            return s.Length > 5 && s[5..].All(char.IsAsciiDigit) ? GatewayUrn.ZaloUser(s[5..]).ToString() : null;
        if (PhoneNumber.TryNormalize(s, out var e164)) return GatewayUrn.Phone(e164).ToString();
        // A Zalo user id is a long string of digits that is no phone number.
        return s.All(char.IsAsciiDigit) && s.Length >= 12 ? GatewayUrn.ZaloUser(s).ToString() : null;
    }

    public static async Task<HeldAddress> FindAsync(Db db, string urn, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var residentId = await c.QuerySingleOrDefaultAsync<string>("SELECT resident_id FROM resident_addresses WHERE urn = @urn", new { urn })
            ?? await c.QuerySingleOrDefaultAsync<string>("SELECT id FROM residents WHERE urn = @urn", new { urn });
        var urns = new SortedSet<string>(StringComparer.Ordinal) { urn };
        if (residentId is not null)
        {
            foreach (var u in await c.QueryAsync<string>("SELECT urn FROM resident_addresses WHERE resident_id = @residentId", new { residentId })) urns.Add(u);
            var first = await c.QuerySingleOrDefaultAsync<string>("SELECT urn FROM residents WHERE id = @residentId", new { residentId });
            if (first is not null && !first.StartsWith(Anonymised.Prefix, StringComparison.Ordinal)) urns.Add(first);
        }
        return new HeldAddress(urn, residentId, urns.ToList());
    }

    /// <summary>For audit rows and file names: the resident's id, never the address.</summary>
    public string Target => ResidentId is null ? "resident:(none)" : $"resident:{ResidentId}";
}
