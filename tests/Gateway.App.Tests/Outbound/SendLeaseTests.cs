using Gateway.App.Features.Outbound;
using Gateway.App.Infrastructure;
using Gateway.App.Tests.Infrastructure;
using Gateway.Contracts;
using Gateway.Fakes;
using Xunit.Abstractions;
using static Gateway.App.Tests.Infrastructure.GatewayTestHost;

namespace Gateway.App.Tests.Outbound;

/// <summary>
/// A send's claim carries a lease (which instance, until when). Only an expired lease is settled, by the sweep that
/// runs every pass: another instance's sends in flight are never relabelled, and each result is recorded as it returns.
/// </summary>
public sealed class SendLeaseTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeTwilioServer _twilio = null!;
    private GatewayTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilioServer.StartAsync();
        _host = await GatewayTestHost.StartAsync(output, _twilio);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private async Task<string> OutboundAsync(string status, string? owner = null, long? leaseUntil = null, string text = "Trả lời")
    {
        var id = Guid.CreateVersion7().ToString();
        await _host.ExecuteAsync(
            "INSERT INTO messages (id, direction, kind, channel_key, urn, text, status, attempts, lease_owner, lease_until, created_at, updated_at) " +
            "VALUES (@id, 'out', 'reply', @channel, @urn, @text, @status, @attempts, @owner, @leaseUntil, @now, @now)",
            new { id, channel = Twilio, urn = ResidentUrn, text, status, attempts = status == "sending" ? 1 : 0, owner, leaseUntil, now = _host.Time.NowMs() });
        return id;
    }

    [Fact]
    public async Task Should_leave_another_instances_live_lease_alone_and_settle_it_once_it_runs_out()
    {
        var id = await OutboundAsync("sending", owner: "gw-2/4711/abcd", leaseUntil: _host.Time.NowMs() + 60_000);
        var sweeper = _host.Hosted<OutboundRetrySweeper>();

        Assert.Equal(0, await sweeper.SettleExpiredLeasesAsync(CancellationToken.None));
        Assert.Equal("sending", (await _host.MessageAsync(id)).Status); // gw-2 is still calling the provider

        _host.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await sweeper.SettleExpiredLeasesAsync(CancellationToken.None));
        var settled = await _host.MessageAsync(id);
        Assert.Equal("unknown", settled.Status);
        Assert.Equal("interrupted", settled.ErrorCode);
        Assert.Empty(_twilio.Requests); // never re-sent blindly
    }

    [Fact]
    public async Task Should_claim_with_this_instances_name_and_the_configured_lease()
    {
        _twilio.DelayNext(1, TimeSpan.FromSeconds(3));
        var id = await OutboundAsync("queued");
        var claimedAt = _host.Time.NowMs();

        await _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(id)));
        await EventuallyAsync(async () => (await _host.MessageAsync(id)).Status == "sending", "the send to be claimed");
        var lease = (await _host.QueryAsync<(string Owner, long Until)>("SELECT lease_owner, lease_until FROM messages WHERE id = @id", new { id })).Single();

        Assert.Equal(_host.Get<GatewayInstance>().Id, lease.Owner);
        Assert.Equal(claimedAt + (long)new OutboundOptions().LeaseDuration.TotalMilliseconds, lease.Until);
        await EventuallyAsync(async () => (await _host.MessageAsync(id)).Status == "sent", "the send to complete");
    }

    [Fact]
    public async Task Should_record_each_result_as_it_returns_not_when_the_whole_batch_has()
    {
        // One of the two calls hangs for 5 s at the provider; the other's answer is recorded meanwhile.
        _twilio.DelayNext(1, TimeSpan.FromSeconds(5));
        var first = await OutboundAsync("queued", text: "Trả lời một");
        var second = await OutboundAsync("queued", text: "Trả lời hai");

        await Task.WhenAll(_host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(first))), _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(second))));

        await EventuallyAsync(async () =>
        {
            var statuses = new[] { (await _host.MessageAsync(first)).Status, (await _host.MessageAsync(second)).Status };
            return statuses.Order().SequenceEqual(["sending", "sent"]);
        }, "the fast send to be recorded sent while the slow one is still in its provider call");
        await EventuallyAsync(async () => (await _host.MessageAsync(first)).Status != "sending" && (await _host.MessageAsync(second)).Status != "sending",
            "the slow send to be recorded too");
        Assert.Equal(["sent", "sent"], new[] { (await _host.MessageAsync(first)).Status, (await _host.MessageAsync(second)).Status });
        Assert.Equal(2, _twilio.Messages.Count);
    }

    [Fact]
    public async Task Should_record_a_late_answer_after_the_sweep_took_the_lease_for_dead()
    {
        _twilio.DelayNext(1, TimeSpan.FromSeconds(3));
        var id = await OutboundAsync("queued");
        await _host.Harness.Bus.Publish(new SendOutboundMessage(Guid.Parse(id)));
        await EventuallyAsync(async () => (await _host.MessageAsync(id)).Status == "sending", "the send to be claimed");

        // The provider is slower than the lease: the sweep settles it as interrupted meanwhile.
        _host.Time.Advance(new OutboundOptions().LeaseDuration + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _host.Hosted<OutboundRetrySweeper>().SettleExpiredLeasesAsync(CancellationToken.None));
        Assert.Equal("unknown", (await _host.MessageAsync(id)).Status);

        // Then the answer arrives: it is better than the sweep's guess.
        await EventuallyAsync(async () => (await _host.MessageAsync(id)).Status == "sent", "the late answer to be recorded");
        Assert.Equal(_twilio.Messages.Single().Sid, (await _host.MessageAsync(id)).ProviderMessageId);
    }
}
