using Dapper;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Audit;

/// <summary>Every mutating action by an official, and every refused access, is recorded here. No message bodies, no numbers.</summary>
public sealed class AuditLog(Db db, TimeProvider time)
{
    public async Task WriteAsync(string actor, string action, string? target, string outcome, string? detail = null)
    {
        await using var c = await db.OpenAsync();
        using var writing = await db.WriteLockAsync();
        await c.ExecuteAsync("INSERT INTO audit_log (at, actor, action, target, outcome, detail) VALUES (@at, @actor, @action, @target, @outcome, @detail)",
            new { at = time.NowMs(), actor, action, target, outcome, detail });
    }
}
