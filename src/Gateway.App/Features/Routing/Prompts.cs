namespace Gateway.App.Features.Routing;

/// <summary>
/// What the gateway texts residents on its own. Vietnamese, short: almost every Vietnamese text is UCS-2,
/// 70 characters a segment. Approved minority-language versions come with the notices feature.
/// </summary>
public static class Prompts
{
    public const string AskCommune = "Xin chào! Bạn ở xã/phường nào? Nhắn: DK tên xã (vd: DK Liên Sơn)";

    public static string NotFound(string text) =>
        $"Không tìm thấy xã \"{Shorten(text)}\". Nhắn: DK tên xã (vd: DK Liên Sơn)";

    public static string Acknowledged(string trackingCode, string inboxName) =>
        $"Đã nhận tin của bạn. Mã theo dõi: {trackingCode}. {inboxName} sẽ trả lời sớm.";

    public static string Registered(string communeName, string provinceName) =>
        $"Đã ghi nhận bạn ở {communeName}, {provinceName}.";

    public const string OptedOut = "Bạn đã hủy nhận thông báo. Tin hỏi đáp vẫn được trả lời.";

    /// <summary>Used when no approved confirmation text exists in the resident's language (template <c>xac-nhan-ngon-ngu</c>).</summary>
    public static string LanguageSet(string languageName) =>
        $"Đã ghi nhận ngôn ngữ của bạn: {languageName}. Thông báo sẽ gửi bằng ngôn ngữ này khi có bản dịch.";

    public const string LanguageUnknown = "Không rõ ngôn ngữ. Nhắn NN và tên hoặc mã, vd: NN Mông, NN Tày, NN km, NN vi";

    /// <summary>The answer to <c>KT &lt;code&gt;</c> when its template (<see cref="StatusQuery.TemplateKey"/>) is not in the database.</summary>
    public static string Status(StatusQuery.State state, string code) => state switch
    {
        StatusQuery.State.Received => $"Mã {code}: đã tiếp nhận, đang chờ cán bộ trả lời.",
        StatusQuery.State.Handling => $"Mã {code}: cán bộ đang xử lý yêu cầu của bạn.",
        StatusQuery.State.Resolved => $"Mã {code}: đã trả lời và giải quyết xong. Cần hỏi thêm, hãy nhắn tin mới.",
        _ => $"Không tìm thấy mã {code}. Kiểm tra mã trong tin xác nhận rồi nhắn: KT mã",
    };

    private static string Shorten(string s) => s.Length <= 30 ? s : s[..30] + "…";
}
