using Gateway.App.Features.Channels;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Webhooks;
using Gateway.App.Tests.Infrastructure;
using Gateway.Channels;
using Gateway.Contracts;
using Gateway.Fakes;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Outbound;

/// <summary>
/// One outbound path, against a real (fake) Twilio server: retryable failures are scheduled in the table and re-issued
/// by the sweeper, others fail with the provider's code, and nothing is sent twice.
/// </summary>
public sealed class OutboundTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeTwilioServer _twilio = null!;
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioServer.StartAsync();
        _host = await GatewayTestHost.StartAsync(output, _twilio, new Dictionary<string, string?> { ["Outbound:MaxAttempts"] = "3" });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private Task<string> QueueReplyAsync(string text = "UBND xã đã nhận hồ sơ của bạn.") =>
        _host.QueueOutboundAsync(Twilio, ResidentUrn, text);

    private async Task<MessageRow> SentOnceAsync(string id, int attempt)
    {
        await _host.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse(id), attempt);
        await _host.SettledAsync();
        return await _host.MessageAsync(id);
    }

    [Fact]
    public async Task Should_send_a_reply_through_twilio_with_a_status_callback()
    {
        var id = await QueueReplyAsync("Mời bạn mang CCCD đến UBND xã vào sáng thứ Hai.");

        var message = await SentOnceAsync(id, 1);

        var sent = Assert.Single(_twilio.Messages);
        Assert.Equal("sent", message.Status);
        Assert.Equal(sent.Sid, message.ProviderMessageId);
        Assert.Equal(1, message.Attempts);
        Assert.Equal(ResidentPhone, sent.To);
        Assert.Equal("UBND-XA", sent.From);
        Assert.Equal("Mời bạn mang CCCD đến UBND xã vào sáng thứ Hai.", sent.Body);
        Assert.Equal($"https://gateway.test/webhooks/{Twilio}/status", sent.StatusCallback);
    }

    [Fact]
    public async Task Should_schedule_a_retry_for_a_retryable_failure_and_send_once_when_due()
    {
        _twilio.FailNext(1, 500);
        var queuedAt = _host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await QueueReplyAsync();

        var failed = await SentOnceAsync(id, 1);
        Assert.Equal("retrying", failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("20500", failed.ErrorCode);
        Assert.NotNull(failed.NextAttemptAt);
        Assert.InRange(failed.NextAttemptAt!.Value, queuedAt + 1, queuedAt + 2_000); // first delay: 2 s, half-jittered
        Assert.Empty(_twilio.Messages);

        var sweeper = _host.Hosted<OutboundRetrySweeper>();
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None)); // not due yet

        _host.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));

        var sent = await SentOnceAsync(id, 2);
        Assert.Equal("sent", sent.Status);
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.ErrorCode);
        Assert.Equal(Assert.Single(_twilio.Messages).Sid, sent.ProviderMessageId);

        _host.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(2, _twilio.Requests.Count);
    }

    [Fact]
    public async Task Should_wait_as_long_as_Retry_After_asks()
    {
        _twilio.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(30));
        var queuedAt = _host.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var id = await QueueReplyAsync();

        var failed = await SentOnceAsync(id, 1);

        Assert.Equal("retrying", failed.Status);
        Assert.Equal(queuedAt + 30_000, failed.NextAttemptAt);
        var sweeper = _host.Hosted<OutboundRetrySweeper>();
        _host.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        _host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal("sent", (await SentOnceAsync(id, 2)).Status);
    }

    [Fact]
    public async Task Should_fail_for_good_on_a_non_retryable_error_with_the_providers_code()
    {
        _twilio.FailNextWithError(1, 400, 21211, "The 'To' number +84912345678 is not a valid phone number.");
        var id = await QueueReplyAsync();

        var message = await SentOnceAsync(id, 1);

        Assert.Equal("failed", message.Status);
        Assert.Equal("21211", message.ErrorCode);
        Assert.Equal(1, message.Attempts);
        Assert.Empty(_twilio.Messages);
        _host.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await _host.Hosted<OutboundRetrySweeper>().SweepAsync(CancellationToken.None));
        Assert.Single(_twilio.Requests);
    }

    [Fact]
    public async Task Should_fail_after_MaxAttempts_retryable_failures()
    {
        _twilio.FailNext(3, 503);
        var id = await QueueReplyAsync();
        var sweeper = _host.Hosted<OutboundRetrySweeper>();

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Equal("retrying", (await SentOnceAsync(id, attempt)).Status);
            _host.Time.Advance(TimeSpan.FromMinutes(11)); // past the longest backoff
            Assert.Equal(1, await sweeper.SweepAsync(CancellationToken.None));
        }

        var last = await SentOnceAsync(id, 3);
        Assert.Equal("failed", last.Status);
        Assert.Equal(3, last.Attempts);
        Assert.Equal("20500", last.ErrorCode);
        Assert.Equal(3, _twilio.Requests.Count);
        Assert.Empty(_twilio.Messages);
    }

    [Fact]
    public async Task Should_not_send_again_when_the_command_is_redelivered_after_the_send()
    {
        var id = await QueueReplyAsync();
        await SentOnceAsync(id, 1);

        await _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(id)));
        await _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(id)));
        var message = await SentOnceAsync(id, 3);

        Assert.Equal("sent", message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(_twilio.Requests);
    }

    [Fact]
    public async Task Should_not_send_a_message_claimed_by_another_consumer()
    {
        // The first consumer claims the row and is still waiting on Twilio when the command arrives again.
        _twilio.DelayNext(1, TimeSpan.FromSeconds(2));
        var id = await QueueReplyAsync();
        await EventuallyAsync(() => Task.FromResult(_twilio.Requests.Count == 1), "the first send to reach Twilio");
        Assert.Equal("sending", (await _host.MessageAsync(id)).Status);

        await _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(id)));
        var message = await SentOnceAsync(id, 2);

        Assert.Equal("sent", message.Status);
        Assert.Equal(1, message.Attempts);
        Assert.Single(_twilio.Requests);
        Assert.Single(_twilio.Messages);
    }

    [Fact]
    public async Task Should_mark_a_reply_delivered_from_twilios_signed_callback_and_ignore_a_late_sent()
    {
        var id = await QueueReplyAsync();
        var sid = (await SentOnceAsync(id, 1)).ProviderMessageId!;

        // Twilio posts signed callbacks to the gateway's public status URL; the adapter verifies and parses them.
        await using var edge = await RecordingServer.StartAsync();
        var url = $"{edge.Url}/webhooks/{Twilio}/status";
        await _twilio.PostStatusCallbackAsync(url, _twilio.AuthToken, sid, "delivered");
        await _twilio.PostStatusCallbackAsync(url, _twilio.AuthToken, sid, "sent"); // arrives late
        var channel = _host.Get<ChannelCatalog>().Find(Twilio)!;
        foreach (var request in edge.Requests)
        {
            var result = Assert.IsType<InboundResult.Accepted>(
                channel.Adapter.Handle(WebhookKind.Status, RecordingServer.ToInboundRequest(request, url), channel.Options));
            foreach (var update in result.Events.OfType<StatusUpdated>())
                await _host.Get<StatusWriter>().ApplyAsync(Twilio, update, CancellationToken.None);
        }

        Assert.Equal(2, edge.Requests.Count);
        Assert.Equal("delivered", (await _host.MessageAsync(id)).Status);
    }

    [Fact]
    public async Task Should_send_the_prompt_to_a_new_resident_over_the_channel_they_used()
    {
        await _host.ReceiveAsync("Cho hỏi thủ tục cấp lại CCCD", channelKey: Twilio);

        var prompt = Assert.Single(await _host.MessagesAsync(ResidentUrn, "out"));
        Assert.Equal("sent", prompt.Status);
        var sent = Assert.Single(_twilio.Messages);
        Assert.Equal(ResidentPhone, sent.To);
        Assert.Equal(Gateway.App.Features.Routing.Prompts.AskCommune, sent.Body);
    }
}

/// <summary>
/// A send interrupted by a stop is not re-sent blindly: the provider may already have it. It stays unknown until
/// someone asks the provider (the reconciler, for Twilio: InterruptedSendReconcilerTests).
/// </summary>
public sealed class InterruptedSendTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Should_mark_a_send_interrupted_by_a_stop_unknown_and_never_resend_it()
    {
        await using var twilio = await FakeTwilioServer.StartAsync();
        var first = await GatewayTestHost.StartAsync(output, twilio);
        var folder = first.Folder;
        await first.ExecuteAsync(
            "INSERT INTO messages (id, direction, kind, channel_key, urn, text, status, attempts, created_at, updated_at) " +
            "VALUES ('0195f5c4-0000-7000-8000-0000000000aa', 'out', 'reply', @channel, @urn, 'Trả lời', 'sending', 1, 0, 0)",
            new { channel = Twilio, urn = ResidentUrn });
        first.KeepFiles = true;
        await first.DisposeAsync(); // the process stops mid-call

        await using var second = await GatewayTestHost.StartAsync(output, twilio, folder: folder);
        await EventuallyAsync(async () => (await second.MessageAsync("0195f5c4-0000-7000-8000-0000000000aa")).Status == "unknown",
            "the interrupted send to be settled as unknown");
        await second.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse("0195f5c4-0000-7000-8000-0000000000aa")));
        await second.ConsumedAsync<SendOutboundMessage>(m => m.MessageId == Guid.Parse("0195f5c4-0000-7000-8000-0000000000aa"));
        second.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await second.Hosted<OutboundRetrySweeper>().SweepAsync(CancellationToken.None));

        var message = await second.MessageAsync("0195f5c4-0000-7000-8000-0000000000aa");
        Assert.Equal("unknown", message.Status);
        Assert.Equal("interrupted", message.ErrorCode);
        Assert.Empty(twilio.Requests);
    }
}
