using Gateway.Channels.Text;

namespace Gateway.App.Features.Web;

/// <summary>The Vietnamese words the pages show for stored codes.</summary>
public static class Labels
{
    public static string ConversationStatus(string status) => status switch
    {
        "open" => "Đang mở",
        "pending" => "Đang chờ",
        "resolved" => "Đã xong",
        _ => status,
    };

    public static string MessageStatus(string direction, string status) => (direction, status) switch
    {
        ("in", "held") => "chờ xác định xã",
        ("in", _) => "đã nhận",
        (_, "queued") => "chờ gửi",
        (_, "sending") => "đang gửi",
        (_, "retrying") => "đang gửi lại",
        (_, "sent") => "đã gửi",
        (_, "delivered") => "đã đến máy",
        (_, "read") => "đã xem",
        (_, "failed") => "gửi lỗi",
        (_, "unknown") => "không rõ",
        _ => status,
    };

    public static string MessageKind(string kind) => kind switch
    {
        "reply" => "Trả lời",
        "ack" => "Tự động: xác nhận",
        "prompt" => "Tự động: hỏi xã",
        "notice" => "Thông báo",
        "keyword" => "Từ khóa",
        _ => "",
    };

    public static string ChannelType(string? type) => type switch
    {
        "twilio" => "SMS",
        "zalo" => "Zalo",
        "simulator" => "Mô phỏng",
        _ => "Kênh khác",
    };

    /// <summary>"45 ký tự · UCS-2 (có dấu) · 1 tin SMS · còn 25 ký tự". The page's script writes the same words.</summary>
    public static string SmsInfo(string text)
    {
        var info = SmsEncoding.Analyze(text);
        var encoding = info.Encoding == SmsCharset.Gsm7 ? "GSM-7 (không dấu)" : "UCS-2 (có dấu)";
        var s = $"{text.Length} ký tự · {encoding} · {info.Segments} tin SMS";
        if (info.Segments > 0) s += $" · còn {info.RemainingInSegment} ký tự";
        if (info.Encoding == SmsCharset.Ucs2 && text.Length > 0)
        {
            var plain = SmsEncoding.Analyze(SmsEncoding.Unaccented(text));
            if (plain.Segments < info.Segments) s += $" (không dấu: {plain.Segments} tin)";
        }
        return s;
    }
}
