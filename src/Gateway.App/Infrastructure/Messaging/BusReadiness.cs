using MassTransit;

namespace Gateway.App.Infrastructure.Messaging;

/// <summary>
/// Since .NET 10 background services start beside the bus, not after it: a message published before the bus has
/// bound its receive endpoints can go nowhere on the in-memory transport (and the outbox row would be deleted as
/// sent). Work that publishes at start waits here first; after the timeout it goes on, and the outbox keeps what fails.
/// </summary>
public static class BusReadiness
{
    public static async Task WaitAsync(IBusControl bus, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            while (bus.CheckHealth().Status != BusHealthStatus.Healthy)
                await Task.Delay(50, timeout.Token); // real time: the bus starts in real time, whatever the test clock says
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }
}
