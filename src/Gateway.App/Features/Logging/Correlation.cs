using System.Diagnostics;

namespace Gateway.App.Features.Logging;

/// <summary>
/// One id that follows a resident's message from the webhook through routing to the provider call, so an operator
/// can grep one id and see every hop. It rides with the work: an ambient value while a hop runs (every log line in
/// a <see cref="Enter"/> scope carries <c>CorrelationId</c>), and the <c>messages.correlation_id</c> column between
/// hops (the bus carries ids only, and a redelivered or re-issued command reads it from the row).
/// </summary>
public static class Correlation
{
    public const string Header = "X-Correlation-Id";
    public const string ScopeKey = "CorrelationId";

    /// <summary>The category of the one-line-per-hop trace (Debug: on with <c>Logging:LogLevel:Gateway.Trace=Debug</c>).</summary>
    public const string TraceCategory = "Gateway.Trace";

    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>The id of the work running now, or null outside any.</summary>
    public static string? Current => Ambient.Value;

    /// <summary>A fresh id: a UUID v7 without dashes (time ordered, 32 characters).</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>An id a caller sent (an upstream proxy, a test), if it is one we can safely log and store; else null.</summary>
    public static string? Accept(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 64) return null;
        foreach (var ch in candidate)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')) return null;
        return candidate;
    }

    /// <summary>
    /// Makes <paramref name="id"/> current (for the log scope and for rows written meanwhile) until disposed, and
    /// writes one Debug line naming the hop. A null id (a row from before the column) starts a new one.
    /// </summary>
    public static IDisposable Enter(ILogger logger, string? id, string? hop = null, string? messageId = null)
    {
        id ??= NewId();
        var previous = Ambient.Value;
        Ambient.Value = id;
        var scope = logger.BeginScope(new Scope(id));
        if (hop is not null && messageId is not null) logger.LogDebug("{Hop} message {MessageId}", hop, messageId);
        else if (hop is not null) logger.LogDebug("{Hop}", hop);
        return new Exit(scope, previous);
    }

    /// <summary>The scope's state: one structured value, and a readable text for plain formatters.</summary>
    private sealed class Scope(string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => index == 0 ? new(ScopeKey, id) : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => 1;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() { yield return this[0]; }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => $"{ScopeKey}:{id}";
    }

    private sealed class Exit(IDisposable? scope, string? previous) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            scope?.Dispose();
            Ambient.Value = previous;
        }
    }

    /// <summary>Also on the current <see cref="Activity"/>, so a trace exporter sees the same id.</summary>
    internal static void Tag(string id) => Activity.Current?.SetTag("gateway.correlation_id", id);
}
