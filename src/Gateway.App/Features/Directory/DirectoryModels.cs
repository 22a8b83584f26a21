namespace Gateway.App.Features.Directory;

/// <summary>Province-level unit: a tỉnh or a centrally-run thành phố.</summary>
public enum ProvinceKind { Tinh, ThanhPho }

/// <summary>Commune-level unit (since 1 July 2025 the level below the province).</summary>
public enum CommuneKind { Xa, Phuong, DacKhu }

/// <summary>Pre-2025 commune-level unit: xã, phường, or thị trấn (a district's town, abolished in 2025).</summary>
public enum OldCommuneKind { Xa, Phuong, ThiTran }

/// <summary>One of the 34 provinces. <paramref name="Code"/> is the 2-digit official code, as a string.</summary>
/// <param name="Name">Short name, e.g. "Phú Thọ".</param>
/// <param name="FullName">With its type, e.g. "Tỉnh Phú Thọ", "Thành phố Hà Nội".</param>
public sealed record Province(string Code, string Name, string FullName, ProvinceKind Kind, string EnglishName);

/// <summary>One of the 3,321 communes. <paramref name="Code"/> is the 5-digit official code, as a string.</summary>
/// <param name="Name">Full name with its type, e.g. "Xã Liên Sơn".</param>
/// <param name="ShortName">Without the type, e.g. "Liên Sơn".</param>
/// <param name="ProvinceName">Short province name, e.g. "Phú Thọ".</param>
public sealed record Commune(string Code, string Name, string ShortName, CommuneKind Kind, string ProvinceCode, string ProvinceName);

/// <summary>
/// A pre-July-2025 commune (63 provinces, three tiers) and the new commune(s) it went into.
/// <paramref name="Split"/>: divided among several new communes, so naming it does not say which one.
/// </summary>
/// <param name="Name">Full old name, e.g. "Xã Cư Yên".</param>
/// <param name="ShortName">Without the unit, e.g. "Cư Yên".</param>
/// <param name="DistrictName">Full old district name, e.g. "Huyện Lương Sơn".</param>
/// <param name="ProvinceName">Full old province name, e.g. "Tỉnh Hòa Bình".</param>
/// <param name="NewCommunes">Ordered by code; one unless <paramref name="Split"/>; always in one province.</param>
public sealed record OldCommune(
    string Code,
    string Name,
    string ShortName,
    OldCommuneKind Kind,
    string DistrictCode,
    string DistrictName,
    string ProvinceCode,
    string ProvinceName,
    bool Split,
    IReadOnlyList<Commune> NewCommunes);

public static class CommuneKindExtensions
{
    /// <summary>The Vietnamese unit word as it starts a full name: "Xã", "Phường", "Đặc khu".</summary>
    public static string Label(this CommuneKind kind) => kind switch
    {
        CommuneKind.Xa => "Xã",
        CommuneKind.Phuong => "Phường",
        CommuneKind.DacKhu => "Đặc khu",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
