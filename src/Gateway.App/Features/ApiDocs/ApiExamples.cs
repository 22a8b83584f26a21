using System.Text.Json.Nodes;

namespace Gateway.App.Features.ApiDocs;

/// <summary>What one operation of the JSON API is for, with a request and a response as a client sees them.</summary>
/// <param name="Request">The body's media type and an example (JSON for JSON bodies, a string for CSV and forms).</param>
public sealed record ApiExample(string Summary, string? Description = null,
    (string MediaType, JsonNode Example)[]? Request = null, (int Status, string MediaType, JsonNode Example)? Response = null);

/// <summary>
/// Summaries and examples for the main operations, keyed by method and route as the endpoints declare them. They
/// live here, beside the document they feed, so the feature files stay about behaviour; an operation that declares
/// its own summary keeps it. Example addresses are masked as the API masks them; the numbers are fictitious.
/// </summary>
public static class ApiExamples
{
    private const string ConversationId = "0193a1f2-7c4e-7b10-9a55-3d2c1e0f4a21";
    private const string BroadcastId = "0193a2b0-11aa-7c3d-8e9f-0a1b2c3d4e5f";

    private static JsonNode Json(string json) => JsonNode.Parse(json)!;

    private static readonly JsonNode Message = Json($$"""
        {"id":"0193a1f3-0000-7000-8000-00000000beef","direction":"out","kind":"reply","text":"Xã đã nhận phản ánh, cán bộ địa chính sẽ đến kiểm tra trong ngày mai.",
         "status":"queued","author":"lienson","errorCode":null,"createdAt":"2026-12-02T08:15:00+00:00","errorMessage":null}
        """);

    private static readonly JsonNode Conversation = Json($$"""
        {"id":"{{ConversationId}}","trackingCode":"K7QM-2P9X","communeCode":"04960","provinceCode":"25","status":"open","channel":"twilio-sms",
         "resident":"tel:*********678","createdAt":"2026-12-02T07:58:00+00:00","lastMessageAt":"2026-12-02T08:02:00+00:00","messages":null,
         "assignedTo":"lienson","category":"dat-dai","firstReplyDue":"2026-12-02T10:58:00+00:00","resolveDue":"2026-12-09T07:58:00+00:00",
         "firstReplyAt":null,"overdue":false,"escalatedAt":null,"events":null}
        """);

    private static readonly JsonNode CreateBroadcast = Json("""
        {"templateKey":"canh-bao-sat-lo","variables":{"xa":"04960","ngay":"2026-12-03","khu_vuc":"thôn Đồng Măng"},
         "audience":{"communeCodes":["04960"],"tags":[],"languages":[],"wholeProvince":false},
         "sendAt":null,"recurrence":null,"emergency":true}
        """);

    private static readonly JsonNode Broadcast = Json($$"""
        {"id":"{{BroadcastId}}","status":"pending_approval","templateKey":"canh-bao-sat-lo","provinceCode":"25","emergency":true,"recurrence":null,
         "sendAt":null,"nextRunAt":null,"run":0,"createdBy":"phutho","approvedBy":null,"createdAt":"2026-12-02T08:00:00+00:00",
         "counts":{"recipients":0,"queued":0,"sent":0,"delivered":0,"failed":0,"skipped":0,"unknown":0,"cancelled":0} }
        """);

    private const string TwilioForm =
        "MessageSid=SM0f3c2a9b8e7d6c5b4a39281706f5e4d3&AccountSid=AC00000000000000000000000000000000&From=%2B84912000678&To=UBND-XA&Body=S%E1%BA%A1t+l%E1%BB%9F+%E1%BB%9F+th%C3%B4n+%C4%90%E1%BB%93ng+M%C4%83ng&NumMedia=0&NumSegments=1&ApiVersion=2010-04-01";

    private static readonly JsonNode ZaloEvent = Json("""
        {"app_id":"1234567890","event_name":"user_send_text","timestamp":"1764662400000","sender":{"id":"2468013579"},
         "recipient":{"id":"579312468"},"message":{"msg_id":"a1b2c3d4e5f6","text":"Xin hỏi thủ tục đăng ký khai sinh"}}
        """);

    private static readonly ApiExample Receive = new("A provider delivers a resident's message",
        "Signed by the provider (X-Twilio-Signature over the public URL, X-ZEvent-Signature for Zalo, eSMS its own). 200 only once the message " +
        "is committed; 403 when the signature fails, 400 when malformed, 413 above 256 KiB, 404 for an unknown channel.",
        [("application/x-www-form-urlencoded", JsonValue.Create(TwilioForm)), ("application/json", ZaloEvent)],
        (200, "application/xml", JsonValue.Create("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")));

    private static readonly ApiExample Status = new("A provider reports a delivery status (sent, delivered, failed)",
        "Twilio status callbacks, Zalo user_received_message / user_seen_message events, eSMS delivery reports; same signatures and answers as receive.",
        [("application/x-www-form-urlencoded", JsonValue.Create("MessageSid=SM0f3c2a9b8e7d6c5b4a39281706f5e4d3&MessageStatus=delivered&AccountSid=AC00000000000000000000000000000000&ApiVersion=2010-04-01"))],
        (200, "application/xml", JsonValue.Create("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")));

    private static readonly ApiExample ListConversations = new("List a commune's conversations",
        "status: a conversation status or a tab (open, pending, resolved, overdue, mine, unassigned, escalated); q: a tracking code, a number or words " +
        "(diacritics optional); page from 1, pageSize up to 200. Addresses are masked.",
        Response: (200, "application/json", new JsonArray(Conversation.DeepClone())));

    public static readonly IReadOnlyDictionary<string, ApiExample> ByRoute = new Dictionary<string, ApiExample>(StringComparer.OrdinalIgnoreCase)
    {
        ["POST /api/auth/token"] = new("Sign in for an API token",
            "Send the token as Authorization: Bearer … on every other call; repeated failures are throttled (429 with Retry-After).",
            [("application/json", Json("""{"username":"lienson","password":"…"}"""))],
            (200, "application/json", Json("""{"token":"gw_3q9…","expiresIn":43200,"idleTimeout":1800}"""))),
        ["POST /api/conversations/{id}/replies"] = new("Reply to the resident",
            "Goes back over the channel the resident used, through the shared outbound path (queued → sent → delivered / failed). " +
            "With an Idempotency-Key a retried request returns the first reply (200) and sends nothing; the same key with another text is 422.",
            [("application/json", Json("""{"text":"Xã đã nhận phản ánh, cán bộ địa chính sẽ đến kiểm tra trong ngày mai."}"""))],
            (202, "application/json", Message)),
        ["GET /api/communes/{communeCode}/conversations"] = ListConversations,
        ["GET /api/provinces/{provinceCode}/conversations"] = ListConversations with
        {
            Summary = "List a province's conversations (every commune, or its triage inbox with triage=true)",
        },
        ["GET /api/conversations/{id}"] = new("Read one conversation with its messages and events",
            Response: (200, "application/json", Json(Conversation.ToJsonString()) is JsonObject c ? With(c, "messages", new JsonArray(Message.DeepClone())) : Conversation)),
        ["POST /api/broadcasts"] = new("Create a notice broadcast (waits for a second officer's approval)",
            "A template, its variables, an audience (communes, tags, languages or the whole province), and when: now, sendAt, or a cron recurrence. " +
            "Emergency notices ignore quiet hours.",
            [("application/json", CreateBroadcast)], (201, "application/json", Json($$"""{"id":"{{BroadcastId}}","status":"pending_approval"}"""))),
        ["POST /api/broadcasts/preview"] = new("Preview a broadcast before creating it: recipients per language and channel, segments and cost",
            Request: [("application/json", CreateBroadcast)]),
        ["GET /api/broadcasts"] = new("List the province's broadcasts (filter with status)",
            Response: (200, "application/json", new JsonArray(Broadcast.DeepClone()))),
        ["GET /api/broadcasts/{id}"] = new("Read one broadcast with its delivery counts", Response: (200, "application/json", Broadcast)),
        ["GET /api/broadcasts/{id}/report"] = new("Who got it: counts per commune × language × channel (format=csv for a file)"),
        ["POST /api/broadcasts/{id}/approve"] = new("Approve a broadcast (a second officer of the same province, never its author)"),
        ["POST /api/broadcasts/{id}/pause"] = new("Pause a sending broadcast"),
        ["POST /api/broadcasts/{id}/resume"] = new("Resume a paused broadcast"),
        ["POST /api/broadcasts/{id}/cancel"] = new("Cancel a broadcast; deliveries not yet sent are cancelled"),
        ["POST /api/residents/import"] = new("Import the province's residents from CSV",
            "text/csv, UTF-8, header phone,zalo_user_id,commune_code,language,tags (tags separated by ;). Rows are added or updated; " +
            "each bad row is reported with its line and reason, the good ones are imported.",
            [("text/csv", JsonValue.Create("phone,zalo_user_id,commune_code,language,tags\n0912000678,,04960,hnj,nong-dan;thon-dong-mang\n+84 987 000 123,2468013579,04960,vi,\n"))],
            (200, "application/json", Json("""{"imported":2,"updated":0,"rejected":[{"line":4,"reason":"phone: not a Vietnamese mobile number"}]}"""))),
        ["GET /api/residents/export"] = new("Export the province's residents as CSV (the import's columns)"),
        ["POST /webhooks/{channelKey}/receive"] = Receive,
        ["GET /webhooks/{channelKey}/receive"] = Receive with { Summary = "A provider delivers a resident's message (Twilio configured for GET)", Request = null },
        ["POST /webhooks/{channelKey}/status"] = Status,
        ["GET /webhooks/{channelKey}/status"] = Status with { Summary = "A provider reports a delivery status (Twilio configured for GET)", Request = null },
    };

    private static JsonObject With(JsonObject o, string key, JsonNode value)
    {
        o[key] = value;
        return o;
    }
}
