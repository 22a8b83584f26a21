using Conv = Gateway.App.Features.Inbox.ConversationStatus;
using Kind = Gateway.App.Features.Messages.MessageKind;
using Msg = Gateway.App.Features.Messages.MessageStatus;
using Gateway.App.Features.Messages;
using Gateway.Channels;
using Gateway.Channels.Text;
using Bc = Gateway.App.Features.Notices.Broadcasts.BroadcastStatus;

namespace Gateway.App.Features.Web;

/// <summary>The Vietnamese words the pages show for stored codes.</summary>
public static class Labels
{
    public static string ConversationStatus(string status) => status switch
    {
        Conv.Open => "Đang mở",
        Conv.Pending => "Đang chờ",
        Conv.Resolved => "Đã xong",
        _ => status,
    };

    public static string BroadcastStatus(string status) => status switch
    {
        Bc.PendingApproval => "Chờ duyệt",
        Bc.Scheduled => "Đã lên lịch",
        Bc.Sending => "Đang gửi",
        Bc.Paused => "Tạm dừng",
        Bc.WaitingQuietHours => "Chờ đến giờ được gửi",
        Bc.Completed => "Đã gửi xong",
        Bc.Cancelled => "Đã hủy",
        _ => status,
    };

    /// <summary>The badge colour class of a broadcast status (the inbox's colours).</summary>
    public static string BroadcastBadge(string status) => status switch
    {
        Bc.PendingApproval => "pending",
        Bc.Sending or Bc.WaitingQuietHours or Bc.Scheduled => "open",
        Bc.Completed => "resolved",
        Bc.Cancelled => "failed",
        _ => "",
    };

    public static string MessageStatus(string direction, string status) => (direction, status) switch
    {
        (MessageDirection.In, Msg.Held) => "chờ xác định xã",
        (MessageDirection.In, _) => "đã nhận",
        (_, Msg.Queued) => "chờ gửi",
        (_, Msg.Sending) => "đang gửi",
        (_, Msg.Retrying) => "đang gửi lại",
        (_, Msg.Sent) => "đã gửi",
        (_, Msg.Delivered) => "đã đến máy",
        (_, Msg.Read) => "đã xem",
        (_, Msg.Failed) => "gửi lỗi",
        (_, Msg.Unknown) => "không rõ",
        _ => status,
    };

    public static string MessageKind(string kind) => kind switch
    {
        Kind.Reply => "Trả lời",
        Kind.Ack => "Tự động: xác nhận",
        Kind.Prompt => "Tự động: hỏi xã",
        Kind.Notice => "Thông báo",
        Msg.Keyword => "Từ khóa",
        _ => "",
    };

    public static string ChannelType(string? type) => type switch
    {
        ChannelTypes.Twilio => "SMS",
        ChannelTypes.Zalo => "Zalo",
        ChannelTypes.Simulator => "Mô phỏng",
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
