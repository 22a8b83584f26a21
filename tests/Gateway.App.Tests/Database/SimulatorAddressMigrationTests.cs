using Dapper;
using Gateway.App.Infrastructure.Database;
using Microsoft.Data.Sqlite;

namespace Gateway.App.Tests.Database;

/// <summary>
/// 2026-12-02-011: what the shipped simulator channel stored as tel: before simulated phones had their own scheme
/// moves to sim:, the resident gains the sim: address (so the simulated phone keeps its resident and conversation),
/// and nothing another channel stored changes.
/// </summary>
public sealed class SimulatorAddressMigrationTests : IDisposable
{
    private const string Migration = "2026-12-02-011-simulator-addresses.sql";
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gateway-sim-migration-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Simulator_texts_stored_as_tel_move_to_sim_and_other_channels_keep_theirs()
    {
        await using var c = new SqliteConnection($"Data Source={_path};Pooling=false");
        await c.OpenAsync();
        var scripts = Migrator.Scripts(DatabaseProvider.Sqlite);
        foreach (var (name, sql) in scripts.Where(s => string.CompareOrdinal(s.Name, Migration) < 0)) await c.ExecuteAsync(sql);

        // A simulated phone that wrote before (resident, address, conversation, a text each way), and a real Twilio resident.
        await c.ExecuteAsync("""
            INSERT INTO residents (id, urn, created_at, updated_at) VALUES ('r-sim', 'tel:+84912345678', 1, 1), ('r-real', 'tel:+84987654321', 1, 1);
            INSERT INTO resident_addresses (urn, resident_id, scheme, created_at) VALUES ('tel:+84912345678', 'r-sim', 'tel', 1), ('tel:+84987654321', 'r-real', 'tel', 1);
            INSERT INTO conversations (id, tracking_code, province_code, resident_id, channel_key, urn, status, created_at, updated_at, last_message_at)
            VALUES ('c-sim', 'AB12', '25', 'r-sim', 'simulator', 'tel:+84912345678', 'open', 1, 1, 1),
                   ('c-real', 'CD34', '25', 'r-real', 'twilio-x', 'tel:+84987654321', 'open', 1, 1, 1);
            INSERT INTO messages (id, direction, kind, channel_key, urn, conversation_id, text, status, created_at, updated_at)
            VALUES ('m1', 'in', 'resident', 'simulator', 'tel:+84912345678', 'c-sim', 'hỏi', 'routed', 1, 1),
                   ('m2', 'out', 'reply', 'simulator', 'tel:+84912345678', 'c-sim', 'đáp', 'delivered', 2, 2),
                   ('m3', 'in', 'resident', 'twilio-x', 'tel:+84987654321', 'c-real', 'hỏi', 'routed', 1, 1);
            """);
        await c.ExecuteAsync(scripts.Single(s => s.Name == Migration).Sql);

        Assert.Equal(["m1 sim:+84912345678", "m2 sim:+84912345678", "m3 tel:+84987654321"],
            (await c.QueryAsync<string>("SELECT id || ' ' || urn FROM messages ORDER BY id")).ToList());
        Assert.Equal(["c-real tel:+84987654321", "c-sim sim:+84912345678"],
            (await c.QueryAsync<string>("SELECT id || ' ' || urn FROM conversations ORDER BY id")).ToList());
        Assert.Equal(["sim:+84912345678 r-sim sim", "tel:+84912345678 r-sim tel", "tel:+84987654321 r-real tel"],
            (await c.QueryAsync<string>("SELECT urn || ' ' || resident_id || ' ' || scheme FROM resident_addresses ORDER BY urn")).ToList());

        // Applied twice (a restored backup), it adds nothing.
        await c.ExecuteAsync(scripts.Single(s => s.Name == Migration).Sql);
        Assert.Equal(3, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM resident_addresses"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { File.Delete(_path); } catch (IOException) { }
    }
}
