using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Tests.Database;

public class WriteGateTests
{
    [Fact]
    public async Task Should_let_only_one_writer_in_at_a_time()
    {
        var gate = new WriteGate();
        var first = await gate.EnterAsync(urgent: false);
        var second = gate.EnterAsync(urgent: false);
        Assert.False(second.IsCompleted);
        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public async Task Should_hand_the_lock_to_ingest_before_writers_that_queued_earlier()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync(urgent: false);
        var order = new List<string>();
        var routing = Enter(gate, urgent: false, "routing", order);
        var ingest = Enter(gate, urgent: true, "ingest", order);
        holder.Dispose();
        await Task.WhenAll(routing, ingest).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["ingest", "routing"], order);
    }

    [Fact]
    public async Task Should_skip_a_waiter_that_gave_up()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync(urgent: false);
        using var cts = new CancellationTokenSource();
        var impatient = gate.EnterAsync(urgent: true, cts.Token);
        var patient = gate.EnterAsync(urgent: false);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        holder.Dispose();
        var lease = await patient.WaitAsync(TimeSpan.FromSeconds(10));
        lease.Dispose();
        // Released for good: the next writer gets in at once.
        Assert.True(gate.EnterAsync(urgent: false).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Should_ignore_a_second_release_of_the_same_lease()
    {
        var gate = new WriteGate();
        var lease = await gate.EnterAsync(urgent: false);
        lease.Dispose();
        var next = await gate.EnterAsync(urgent: false);
        lease.Dispose(); // must not release the lease now held by "next"
        Assert.False(gate.EnterAsync(urgent: false).IsCompleted);
        next.Dispose();
    }

    private static async Task Enter(WriteGate gate, bool urgent, string name, List<string> order)
    {
        using var lease = await gate.EnterAsync(urgent);
        lock (order) order.Add(name);
    }
}
