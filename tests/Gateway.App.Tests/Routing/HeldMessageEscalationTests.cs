using Gateway.App.Features.Routing;
using Gateway.App.Tests.Infrastructure;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Routing;

/// <summary>Nothing is dropped: a message whose sender never names a commune reaches the province triage inbox.</summary>
public sealed class HeldMessageEscalationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayTestHost.StartAsync(output); // Routing:HoldTimeout = 1 day

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<int> EscalateAsync()
    {
        var moved = await _host.Hosted<HeldMessageEscalator>().EscalateAsync(CancellationToken.None);
        await _host.SettledAsync();
        return moved;
    }

    [Fact]
    public async Task Should_move_held_messages_past_the_hold_timeout_to_the_province_triage_inbox()
    {
        var first = await _host.ReceiveAsync("Nhà tôi bị sạt lở, cần giúp đỡ");
        var second = await _host.ReceiveAsync("Xin hãy đến sớm");

        Assert.Equal(0, await EscalateAsync());
        _host.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await EscalateAsync());
        Assert.Equal("held", (await _host.MessageAsync(first)).Status);

        _host.Time.Advance(TimeSpan.FromHours(1.5));
        Assert.Equal(2, await EscalateAsync());

        var triage = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Null(triage.CommuneCode);
        Assert.Equal(TriageProvince, triage.ProvinceCode);
        Assert.Equal("open", triage.Status);
        foreach (var id in new[] { first, second })
        {
            var m = await _host.MessageAsync(id);
            Assert.Equal("routed", m.Status);
            Assert.Equal(triage.Id, m.ConversationId);
        }
        var ack = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"), m => m.Kind == "ack");
        Assert.Equal(triage.Id, ack.ConversationId);
        Assert.Contains(triage.TrackingCode, ack.Text);

        // Done once: a later pass finds nothing left to move.
        _host.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await EscalateAsync());
        Assert.Single(await _host.ConversationsAsync(ResidentUrn));
    }

    [Fact]
    public async Task Should_escalate_each_residents_messages_into_their_own_triage_conversation()
    {
        await _host.ReceiveAsync("Cho hỏi về trợ cấp", from: "+84912000001");
        await _host.ReceiveAsync("Cho hỏi về học bổng", from: "+84912000002");
        _host.Time.Advance(TimeSpan.FromDays(1.1));

        Assert.Equal(2, await EscalateAsync());

        var a = Assert.Single(await _host.ConversationsAsync("tel:+84912000001"));
        var b = Assert.Single(await _host.ConversationsAsync("tel:+84912000002"));
        Assert.NotEqual(a.TrackingCode, b.TrackingCode);
        Assert.Null(a.CommuneCode);
        Assert.Null(b.CommuneCode);
    }

    [Fact]
    public async Task Should_not_move_a_message_to_triage_that_was_released_while_the_escalator_ran()
    {
        var question = await _host.ReceiveAsync("Cho hỏi về trợ cấp");
        _host.Time.Advance(TimeSpan.FromDays(2));

        // The resident's answer is being routed (the consumer holds SQLite's write lock) just as the escalator has
        // listed the held messages: the escalator waits for the lock, and must then see they are no longer held.
        Task<int> escalation;
        await using (var c = await _host.OpenAsync())
        await using (var tx = await c.BeginTransactionAsync()) // BEGIN IMMEDIATE: the write lock
        {
            // On its own thread: SQLite's busy wait blocks the calling thread.
            escalation = Task.Run(() => _host.Hosted<HeldMessageEscalator>().EscalateAsync(CancellationToken.None));
            await Task.Delay(500); // it reads the held list (WAL readers are not blocked), then waits on BEGIN

            // What RouteInboundMessageConsumer does for "DK Cư Yên": open the commune conversation, attach the held message.
            var residentId = await Dapper.SqlMapper.ExecuteScalarAsync<string>(c, "SELECT id FROM residents WHERE urn = @urn", new { urn = ResidentUrn }, tx);
            await Dapper.SqlMapper.ExecuteAsync(c,
                "INSERT INTO conversations (id, tracking_code, commune_code, province_code, resident_id, channel_key, urn, status, open_key, created_at, updated_at, last_message_at) " +
                "VALUES ('c-commune', 'TEST-CODE', @commune, '25', @residentId, @channel, @urn, 'open', @openKey, 0, 0, 0)",
                new { commune = LienSon, residentId, channel = Simulator, urn = ResidentUrn, openKey = residentId + "|" + LienSon }, tx);
            await Dapper.SqlMapper.ExecuteAsync(c,
                "UPDATE messages SET status = 'routed', conversation_id = 'c-commune' WHERE id = @question", new { question }, tx);
            await Dapper.SqlMapper.ExecuteAsync(c,
                "UPDATE residents SET commune_code = @commune, awaiting_commune = 0 WHERE id = @residentId", new { commune = LienSon, residentId }, tx);
            await tx.CommitAsync();
        }
        await escalation;
        await _host.SettledAsync();

        Assert.Equal("c-commune", (await _host.MessageAsync(question)).ConversationId);
        Assert.DoesNotContain(await _host.ConversationsAsync(ResidentUrn), c => c.CommuneCode is null);
    }

    [Fact]
    public async Task Should_not_escalate_a_message_the_residents_answer_released()
    {
        var question = await _host.ReceiveAsync("Cho hỏi về trợ cấp");
        await _host.ReceiveAsync("DK Cư Yên");
        _host.Time.Advance(TimeSpan.FromDays(2));

        Assert.Equal(0, await EscalateAsync());

        var conversation = Assert.Single(await _host.ConversationsAsync(ResidentUrn));
        Assert.Equal(LienSon, conversation.CommuneCode);
        Assert.Equal(conversation.Id, (await _host.MessageAsync(question)).ConversationId);
    }
}
