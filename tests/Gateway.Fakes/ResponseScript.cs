using System.Collections.Concurrent;

namespace Gateway.Fakes;

/// <summary>What a fake answers instead of its normal response. A null status means "the normal response, late".</summary>
/// <param name="Delay">Waited before answering, e.g. to make the client's timeout fire.</param>
public sealed record ScriptedResponse(int? StatusCode, string Body = "", TimeSpan? RetryAfter = null, TimeSpan? Delay = null);

/// <summary>A thread-safe queue of scripted answers, each used by one request.</summary>
internal sealed class ResponseScript
{
    private readonly ConcurrentQueue<ScriptedResponse> _queue = new();

    public void Enqueue(int count, ScriptedResponse response)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        for (var i = 0; i < count; i++) _queue.Enqueue(response);
    }

    public bool TryNext(out ScriptedResponse response) => _queue.TryDequeue(out response!);

    public void Clear() => _queue.Clear();
}
