namespace Gateway.App.Infrastructure.Background;

/// <summary>
/// Background work that runs a pass, then waits on the clock (<see cref="TimeProvider"/>, so tests can hold it),
/// and again. A failing pass is logged and retried at the next interval: one bad pass never stops the loop.
/// </summary>
public abstract class PeriodicWork(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time => time;
    protected ILogger Logger => logger;

    /// <summary>Read before every wait, so options reloaded at run time take effect.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <param name="first">The first pass after start: work a stopped process left behind is all orphaned now.</param>
    protected abstract Task RunOnceAsync(bool first, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(first, stoppingToken);
                first = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Work} failed; retrying in {Interval}", GetType().Name, Interval);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }
}
