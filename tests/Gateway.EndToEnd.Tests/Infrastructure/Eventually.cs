using System.Text.Json;

namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Polls for an asynchronous effect with a generous deadline. Never asserts on timing: the deadline only
/// bounds how long a broken build can hang; a pass at 50 ms and a pass at 20 s are the same pass.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("GATEWAY_TEST_POLL_SECONDS"), out var s) ? s : 30);

    public static async Task<T> Until<T>(
        string what, Func<Task<T>> probe, Func<T, bool> done, GatewayProcess? gateway = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        T last = default!;
        Exception? lastError = null;
        var delay = 50;
        while (true)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is not GatewayFailedException)
            {
                lastError = e;
            }
            if (DateTime.UtcNow >= deadline) break;
            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 500);
        }
        var observed = lastError is not null ? "error: " + lastError : "last observed: " + Describe(last);
        throw new GatewayFailedException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0} s waiting for {what}; {observed}", gateway);
    }

    public static string Describe(object? value)
    {
        if (value is null) return "null";
        string text;
        try { text = JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }); }
        catch { text = value.ToString() ?? "?"; }
        return text.Length > 1500 ? text[..1500] + $"… ({text.Length} chars)" : text;
    }
}
