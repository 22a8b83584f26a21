namespace Gateway.App.Features.Residents;

/// <summary>
/// The residents list as officers exchange it (import and export): UTF-8, comma-separated, one resident a row,
/// <c>phone,zalo_user_id,commune_code,language,tags</c>, tags separated by <c>;</c>.
/// </summary>
public static class ResidentCsv
{
    public const string Phone = "phone";
    public const string ZaloUserId = "zalo_user_id";
    public const string CommuneCode = "commune_code";
    public const string Language = "language";
    public const string Tags = "tags";

    public static readonly string[] Columns = [Phone, ZaloUserId, CommuneCode, Language, Tags];
    public static readonly string Header = string.Join(',', Columns);

    public const char TagSeparator = ';';
    public const string ContentType = "text/csv";

    /// <summary>A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}

/// <summary>Why a row of an import was not kept (shown to the officer beside the row's line number).</summary>
public static class ImportReasons
{
    public const string NoAddress = "Thiếu cả số điện thoại lẫn mã Zalo (cần ít nhất một)";
    public const string BadPhone = "Số điện thoại không hợp lệ";
    public const string BadZaloId = "Mã Zalo không hợp lệ (chỉ gồm chữ số)";
    public const string NoCommune = "Thiếu mã xã";
    public const string UnknownCommune = "Mã xã không có trong danh mục";
    public const string OtherProvince = "Xã thuộc tỉnh khác";
    public const string UnknownLanguage = "Mã ngôn ngữ không được hỗ trợ";
    public const string TagTooLong = "Nhãn dài quá 100 ký tự";
    public const string WrongColumnCount = "Số cột khác tiêu đề";
    public const string TwoResidents = "Số điện thoại và mã Zalo đang thuộc hai cư dân khác nhau";
    public const string ResidentOfOtherProvince = "Cư dân này đang thuộc một xã của tỉnh khác";

    /// <summary>The first row naming an address wins; a later one is rejected so the officer sees the clash.</summary>
    public static string Duplicate(int firstLine) => $"Trùng địa chỉ với dòng {firstLine} (dòng đầu được giữ)";
}
