using System.Text.RegularExpressions;
using Dapper;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Inbox;
using Gateway.App.Features.Messages;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Residents;
using Gateway.Channels.Text;

namespace Gateway.App.Features.Routing;

/// <summary>
/// <c>KT &lt;tracking code&gt;</c> (any case, with or without the dash: <c>kt 8frd-mnux</c>, <c>KT 8FRDMNUX</c>): the
/// resident learns where their question stands — received, being handled, or answered and resolved — in their
/// language when the template has an approved translation (templates <c>trang-thai-*</c>, else the Vietnamese of
/// <see cref="Prompts"/>). Only their own conversations: a code of someone else's gets the very answer an unknown
/// code gets. The KT message is a keyword: it opens no conversation and reaches no inbox.
/// </summary>
public static partial class StatusQuery
{
    public enum State { NotFound, Received, Handling, Resolved }

    public const string ReceivedTemplate = "trang-thai-da-tiep-nhan";
    public const string HandlingTemplate = "trang-thai-dang-xu-ly";
    public const string ResolvedTemplate = "trang-thai-da-giai-quyet";
    public const string NotFoundTemplate = "trang-thai-khong-tim-thay";

    public static string TemplateKey(State state) => state switch
    {
        State.Received => ReceivedTemplate,
        State.Handling => HandlingTemplate,
        State.Resolved => ResolvedTemplate,
        _ => NotFoundTemplate,
    };

    // Folded text: "KT 8FRD-MNUX" → "kt 8frd mnux". Only a code's shape makes it a query: "kt giúp tôi…" is a question.
    [GeneratedRegex("^kt[ :]*([a-z0-9]{4}) ?([a-z0-9]{4})$")]
    private static partial Regex Shape();

    /// <summary>The tracking code of a KT message, in its stored form (<c>8FRD-MNUX</c>).</summary>
    public static bool TryParse(string text, out string trackingCode)
    {
        trackingCode = "";
        var m = Shape().Match(VietText.Fold(text));
        if (!m.Success || TrackingCode.Normalize(m.Groups[1].Value + m.Groups[2].Value) is not { } code) return false;
        trackingCode = code;
        return true;
    }

    /// <summary>What the resident is told about a conversation of theirs (null: none with that code).</summary>
    public static State Of(ConversationRow? conversation) => conversation switch
    {
        null => State.NotFound,
        { Status: ConversationStatus.Resolved } => State.Resolved,
        { Status: ConversationStatus.Pending } => State.Handling,
        { FirstReplyAt: not null } or { AssignedTo: not null } => State.Handling,
        _ => State.Received,
    };

    /// <summary>Answers a KT message (marked a keyword); false when the message is not one.</summary>
    internal static async Task<bool> TryAnswerAsync(RouteInboundMessageConsumer.RoutingStep step, Resident resident, TemplateStore templates, CommuneDirectory directory)
    {
        if (!Keywords.TryStatusQuery(step.Message.Text, out var code)) return false;
        await step.MarkAsync(MessageStatus.Keyword);
        // The code and the resident together: someone else's code is found no more than a code that does not exist.
        var conversation = await step.Connection.QuerySingleOrDefaultAsync<ConversationRow>(
            $"SELECT {ConversationRow.Columns} FROM conversations WHERE tracking_code = @code AND resident_id = @residentId",
            new { code, residentId = resident.Id }, step.Tx);
        var state = Of(conversation);
        var template = await templates.FindAsync(TemplateKey(state));
        var text = template is null
            ? Prompts.Status(state, code)
            : TemplateRenderer.Render(template, resident.Language, new Dictionary<string, string> { ["ma"] = code }, directory).Sms;
        await step.SendAsync(text, MessageKind.Ack);
        return true;
    }
}
