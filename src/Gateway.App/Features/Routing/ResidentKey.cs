using System.Security.Cryptography;
using System.Text;
using Dapper;
using Gateway.App.Infrastructure.Database;
using Microsoft.Extensions.Options;

namespace Gateway.App.Features.Routing;

/// <summary>
/// The resident key on the bus: HMAC-SHA-256 of the address under a secret, so a key seen in a broker, a log or a
/// dead-letter queue cannot be turned back into a phone number by hashing the ~100 million possible numbers (a plain
/// hash could). The secret is <c>Gateway:ResidentKeySecret</c>, or else one generated once and kept in the database,
/// shared by every instance on it.
/// </summary>
public sealed class ResidentKeys(Db db, IOptions<GatewayOptions> options, TimeProvider time) : IHostedService
{
    private const string SecretName = "resident-key";
    private byte[]? _secret;

    public string Of(string urn)
    {
        var secret = _secret ??= LoadSecret();
        return Convert.ToHexString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(urn)), 0, 8).ToLowerInvariant();
    }

    /// <summary>Read at start, never on first use: a first use inside a write transaction would wait on its own lock.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _secret ??= LoadSecret();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private byte[] LoadSecret()
    {
        if (!string.IsNullOrEmpty(options.Value.ResidentKeySecret)) return Encoding.UTF8.GetBytes(options.Value.ResidentKeySecret);
        using var c = db.OpenAsync().GetAwaiter().GetResult();
        var stored = c.QueryFirstOrDefault<string>("SELECT value FROM gateway_secrets WHERE name = @SecretName", new { SecretName });
        if (stored is null)
        {
            // Two instances starting together: the insert that loses is ignored and both read the winner's value.
            c.Execute(db.Dialect.InsertIgnore("gateway_secrets", "name, value, created_at", "@SecretName, @Value, @Now", "name = @SecretName"),
                new { SecretName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Now = time.GetUtcNow().ToUnixTimeMilliseconds() });
            stored = c.QuerySingle<string>("SELECT value FROM gateway_secrets WHERE name = @SecretName", new { SecretName });
        }
        return Convert.FromBase64String(stored);
    }
}
