using Gateway.App.Features.Inbox;
using Gateway.App.Features.Messages;
using System.Data.Common;
using Dapper;
using Gateway.App.Features.Channels;
using Gateway.App.Features.Directory;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Residents;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Routing;

/// <summary>
/// Routes a stored inbound message to a commune inbox, in this order: the resident's registered commune;
/// a commune named with <c>DK &lt;commune&gt;</c> (or in answer to our question); the channel's default
/// commune; otherwise ask the resident and hold the message. Ambiguity is resolved by asking, never by
/// guessing. Idempotent: a message that is no longer <c>received</c> has been handled already.
/// </summary>
public sealed class RouteInboundMessageConsumer(
    Db db, TimeProvider time, ChannelCatalog channels, CommuneDirectory directory,
    DbWriter writer, TemplateStore templates, ConversationStore conversations, ILogger<RouteInboundMessageConsumer> logger) : IConsumer<Batch<InboundMessageReceived>>
{
    /// <summary>
    /// Routes a batch in one transaction (one commit for up to 64 messages: on SQLite a commit per message
    /// capped routing near 1k/s). Messages are handled in arrival order, so a resident's answer follows the
    /// question it answers. If the batch fails, each message is retried in its own transaction so one bad
    /// message cannot hold back the others.
    /// </summary>
    public async Task Consume(ConsumeContext<Batch<InboundMessageReceived>> context)
    {
        var ids = context.Message.Select(m => m.Message.MessageId).ToList();
        try
        {
            await RouteInOneTransactionAsync(ids, context.CancellationToken);
        }
        catch (Exception ex) when (ids.Count > 1 && !context.CancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Routing a batch of {Count} failed; routing them one by one", ids.Count);
            foreach (var id in ids)
                await RouteInOneTransactionAsync([id], context.CancellationToken); // a failure here goes to the retry policy
        }
    }

    private Task RouteInOneTransactionAsync(IReadOnlyList<Guid> ids, CancellationToken ct) =>
        writer.WriteAsync(async w =>
        {
            foreach (var id in ids)
                await RouteOneAsync(w, id);
        }, ct: ct);

    private async Task RouteOneAsync(WriteTransaction w, Guid messageId)
    {
        var (connection, tx, now) = (w.Connection, w.Tx, w.Now);
        // Touching the row first takes its write lock (SQL Server), so a concurrent copy of this event waits
        // here and then finds the message handled; on SQLite the write gate already serializes.
        var claimed = await connection.ExecuteAsync(
            "UPDATE messages SET updated_at = @now WHERE id = @Id AND direction = 'in' AND status = 'received'",
            new { now, Id = messageId.ToString() }, tx);
        if (claimed == 0) return; // routed already: a redelivery
        var message = await connection.QuerySingleAsync<InboundRow>(
            "SELECT id AS Id, channel_key AS ChannelKey, urn AS Urn, text AS Text, status AS Status, correlation_id AS CorrelationId FROM messages WHERE id = @Id",
            new { Id = messageId.ToString() }, tx);
        using var hop = Logging.Correlation.Enter(logger, message.CorrelationId, "route", message.Id); // replies queued below carry the id
        var step = new RoutingStep(w, message, conversations);
        var resident = await ResidentStore.GetOrCreateAsync(connection, tx, message.Urn, now);
        await ResidentStore.TouchInboundAsync(connection, tx, message.Urn, now);
        await RouteAsync(step, resident);
    }

    private async Task RouteAsync(RoutingStep step, Resident resident)
    {
        var text = step.Message.Text;
        if (Keywords.IsOptOut(text))
        {
            await ResidentStore.OptOutAsync(step.Connection, step.Tx, resident.Id, step.Now);
            await step.MarkAsync(MessageStatus.Keyword);
            await step.SendAsync(Prompts.OptedOut, MessageKind.Ack);
            return;
        }

        if (Keywords.TryLanguage(text, out var typedLanguage))
        {
            await step.MarkAsync(MessageStatus.Keyword);
            await ChooseLanguageAsync(step, resident, typedLanguage);
            return;
        }

        if (await StatusQuery.TryAnswerAsync(step, resident, templates, directory)) return; // KT <tracking code>

        // "Đăng ký khai sinh…" is a question about civil registration, not "DK <commune>": only a name that
        // resolves makes it a registration; anything else is routed as a question.
        var registration = Keywords.TryRegistration(text, out var named) ? named : null;
        if (registration is not null && directory.Resolve(registration) is not CommuneMatch.NotFound)
        {
            await step.MarkAsync(MessageStatus.Keyword);
            await ChooseCommuneAsync(step, resident, registration, askAgainOnNotFound: true);
            return;
        }
        var ask = registration is null ? Prompts.AskCommune : Prompts.NotFound(registration);

        if (resident.AwaitingCommune)
        {
            var answered = await TryAnswerAsync(step, resident, text);
            if (answered) return;
            // Not an answer: another question. Hold it with the first and ask again.
            await step.MarkAsync(MessageStatus.Held);
            await step.SendAsync(ask, MessageKind.Prompt);
            return;
        }

        var commune = resident.CommuneCode ?? channels.Find(step.Message.ChannelKey)?.Options.DefaultCommune;
        if (commune is not null && directory.FindCommune(commune) is { } known)
        {
            await DeliverToInboxAsync(step, resident, known.Code, known.ProvinceCode, [Guid.Parse(step.Message.Id)]);
            return;
        }

        await step.MarkAsync(MessageStatus.Held);
        await ResidentStore.AwaitCommuneAsync(step.Connection, step.Tx, resident.Id, null, step.Now);
        await step.SendAsync(ask, MessageKind.Prompt);
    }

    /// <summary>
    /// <c>NN &lt;language&gt;</c>: confirmed in that language when the confirmation template has an approved
    /// translation for it, else in Vietnamese.
    /// </summary>
    private async Task ChooseLanguageAsync(RoutingStep step, Resident resident, string typed)
    {
        var code = Languages.Default.Resolve(typed);
        if (code is null)
        {
            await step.SendAsync(Prompts.LanguageUnknown, MessageKind.Ack);
            return;
        }
        await ResidentStore.SetLanguageAsync(step.Connection, step.Tx, resident.Id, code, step.Now);
        var name = Languages.Default.Find(code)?.Name ?? code;
        var confirmation = await templates.FindAsync(LanguageConfirmationTemplate);
        var text = confirmation is null
            ? Prompts.LanguageSet(name)
            : TemplateRenderer.Render(confirmation, code, new Dictionary<string, string> { ["language"] = name }, directory).Sms;
        await step.SendAsync(text, MessageKind.Ack);
    }

    public const string LanguageConfirmationTemplate = "xac-nhan-ngon-ngu";

    /// <summary>The resident was asked for their commune: a number picks an offered choice, else a name.</summary>
    private async Task<bool> TryAnswerAsync(RoutingStep step, Resident resident, string text)
    {
        if (Keywords.Choice(text) is { } n && n <= resident.Choices.Count)
        {
            await step.MarkAsync(MessageStatus.Keyword);
            await SetCommuneAndReleaseAsync(step, resident, resident.Choices[n - 1]);
            return true;
        }
        if (directory.Resolve(text) is CommuneMatch.NotFound) return false;
        await step.MarkAsync(MessageStatus.Keyword);
        await ChooseCommuneAsync(step, resident, text, askAgainOnNotFound: false);
        return true;
    }

    private async Task ChooseCommuneAsync(RoutingStep step, Resident resident, string named, bool askAgainOnNotFound)
    {
        switch (directory.Resolve(named))
        {
            case CommuneMatch.Found found:
                await SetCommuneAndReleaseAsync(step, resident, found.Commune.Code);
                break;
            case CommuneMatch.Ambiguous ambiguous:
                await ResidentStore.AwaitCommuneAsync(step.Connection, step.Tx, resident.Id, ambiguous.Candidates.Select(c => c.Code), step.Now);
                await step.SendAsync(directory.DescribeChoices(ambiguous.Candidates), MessageKind.Prompt);
                break;
            default:
                if (askAgainOnNotFound) await ResidentStore.AwaitCommuneAsync(step.Connection, step.Tx, resident.Id, null, step.Now);
                await step.SendAsync(Prompts.NotFound(named), MessageKind.Prompt);
                break;
        }
    }

    private async Task SetCommuneAndReleaseAsync(RoutingStep step, Resident resident, string communeCode)
    {
        var commune = directory.FindCommune(communeCode)!;
        await ResidentStore.SetCommuneAsync(step.Connection, step.Tx, resident.Id, commune.Code, step.Now);
        var held = (await step.Connection.QueryAsync<string>(
            "SELECT id FROM messages WHERE urn = @Urn AND direction = 'in' AND status = 'held' ORDER BY created_at",
            new { resident.Urn }, step.Tx)).Select(Guid.Parse).ToList();
        if (held.Count == 0)
        {
            var province = directory.FindProvince(commune.ProvinceCode);
            await step.SendAsync(Prompts.Registered(commune.Name, province?.Name ?? commune.ProvinceCode), MessageKind.Ack);
            return;
        }
        await DeliverToInboxAsync(step, resident, commune.Code, commune.ProvinceCode, held);
    }

    private static async Task DeliverToInboxAsync(RoutingStep step, Resident resident, string? communeCode, string provinceCode, IReadOnlyList<Guid> messageIds)
    {
        var conversation = await step.Conversations.FindOrOpenAsync(step.Connection, step.Tx, resident, communeCode, provinceCode, step.Message.ChannelKey, step.Now);
        foreach (var id in messageIds)
            await ConversationStore.AttachAsync(step.Connection, step.Tx, id, conversation.Id, step.Now);
        if (conversation.IsNew)
        {
            var inboxName = communeCode is null ? "Tỉnh" : "UBND xã";
            await step.SendAsync(Prompts.Acknowledged(conversation.TrackingCode, inboxName), MessageKind.Ack, conversation.Id);
        }
    }

    internal static Task DeliverHeldToTriageAsync(RoutingStep step, Resident resident, string provinceCode, IReadOnlyList<Guid> messageIds) =>
        DeliverToInboxAsync(step, resident, null, provinceCode, messageIds);

    public sealed class InboundRow
    {
        public string Id { get; init; } = "";
        public string ChannelKey { get; init; } = "";
        public string Urn { get; init; } = "";
        public string Text { get; init; } = "";
        public string Status { get; init; } = "";
        public string? CorrelationId { get; init; }
    }

    /// <summary>One routing decision's transaction, the message it is about, and what to publish after commit.</summary>
    /// <param name="Conversations">The inbox's store: routing opens and attaches through it, never by itself.</param>
    internal sealed record RoutingStep(WriteTransaction Write, InboundRow Message, ConversationStore Conversations)
    {
        public DbConnection Connection => Write.Connection;
        public DbTransaction Tx => Write.Tx;
        public long Now => Write.Now;

        public Task MarkAsync(string status) =>
            Connection.ExecuteAsync("UPDATE messages SET status = @status, updated_at = @Now WHERE id = @Id", new { status, Now, Message.Id }, Tx);

        public async Task SendAsync(string text, string kind, Guid? conversationId = null)
        {
            var (_, entry) = await OutboundQueue.EnqueueAsync(Connection, Tx, Write.Dialect, Now,
                new NewOutbound(Message.ChannelKey, Message.Urn, text, kind, conversationId));
            if (entry is not null) Write.Publish(entry);
        }
    }
}
