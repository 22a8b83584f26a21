using System.Data;
using System.Data.Common;
using Dapper;
using Gateway.App.Infrastructure.Database;

namespace Gateway.App.Features.Residents;

/// <summary>Who already holds an address: the resident and their commune (to keep a province out of another's residents).</summary>
public sealed record AddressOwner(string Urn, string ResidentId, string? CommuneCode);

public static partial class ResidentStore
{
    /// <summary>SQL Server takes at most 2,100 parameters a statement; SQLite 32,766. Lookups go in slices of this size.</summary>
    private const int InListSlice = 1000;

    /// <summary>The owners of these addresses, looked up in bulk (an address absent from the result belongs to nobody).</summary>
    public static async Task<Dictionary<string, AddressOwner>> FindOwnersAsync(DbConnection c, DbTransaction? tx, IReadOnlyCollection<string> urns)
    {
        var owners = new Dictionary<string, AddressOwner>(urns.Count, StringComparer.Ordinal);
        foreach (var slice in urns.Chunk(InListSlice))
        {
            var rows = await c.QueryAsync<AddressOwner>(
                "SELECT a.urn AS Urn, a.resident_id AS ResidentId, r.commune_code AS CommuneCode FROM resident_addresses a JOIN residents r ON r.id = a.resident_id WHERE a.urn IN @slice",
                new { slice }, tx);
            foreach (var row in rows) owners[row.Urn] = row;
        }
        return owners;
    }

    /// <summary>Whether any resident came from an import (the demo seeds its residents only into a database with none).</summary>
    public static async Task<bool> AnyImportedAsync(DbConnection c, SqlDialect dialect) =>
        await c.ExecuteScalarAsync<int?>($"SELECT {dialect.TopPrefix("1")} 1 FROM residents WHERE imported_at IS NOT NULL {dialect.LimitSuffix("1")}") is not null;

    /// <summary>
    /// The statements of an import, prepared once per transaction and re-run with new values: a 100,000-row file is a
    /// few hundred thousand executions, and parsing the SQL (and building Dapper's parameters) each time would dominate.
    /// </summary>
    public sealed class ImportWriter : IDisposable
    {
        private readonly DbCommand _insertResident, _insertAddress, _updateResident, _deleteTags, _insertTag;

        public ImportWriter(DbConnection c, DbTransaction tx)
        {
            _insertResident = Prepare(c, tx,
                "INSERT INTO residents (id, urn, commune_code, language, opted_out, awaiting_commune, following, created_at, updated_at, imported_at) " +
                "VALUES (@id, @urn, @commune, @language, 0, 0, 1, @now, @now, @now)",
                ("id", DbType.String), ("urn", DbType.String), ("commune", DbType.String), ("language", DbType.String), ("now", DbType.Int64));
            // Imported Zalo ids follow like any new address: an OA learns a user id only from someone who followed or wrote to it.
            _insertAddress = Prepare(c, tx,
                "INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at) VALUES (@urn, @id, @scheme, 1, NULL, @now)",
                ("urn", DbType.String), ("id", DbType.String), ("scheme", DbType.String), ("now", DbType.Int64));
            // An import settles the commune: a pending "which commune?" question is answered by the list.
            _updateResident = Prepare(c, tx,
                "UPDATE residents SET commune_code = @commune, language = COALESCE(@language, language), awaiting_commune = 0, pending_choices = NULL, " +
                "updated_at = @now, imported_at = @now WHERE id = @id",
                ("commune", DbType.String), ("language", DbType.String), ("now", DbType.Int64), ("id", DbType.String));
            _deleteTags = Prepare(c, tx, "DELETE FROM resident_tags WHERE resident_id = @id", ("id", DbType.String));
            _insertTag = Prepare(c, tx, "INSERT INTO resident_tags (resident_id, tag) VALUES (@id, @tag)", ("id", DbType.String), ("tag", DbType.String));
        }

        /// <summary>A new person: <paramref name="urns"/> in order, the first becomes <c>residents.urn</c>.</summary>
        public async Task InsertAsync(string id, IReadOnlyList<string> urns, string commune, string? language, IReadOnlyList<string> tags, long now)
        {
            await RunAsync(_insertResident, id, urns[0], commune, language, now);
            foreach (var urn in urns) await AddAddressAsync(id, urn, now);
            foreach (var tag in tags) await RunAsync(_insertTag, id, tag);
        }

        /// <summary>An existing person: commune set, language kept when null, tags replaced.</summary>
        public async Task UpdateAsync(string id, string commune, string? language, IReadOnlyList<string> tags, long now)
        {
            await RunAsync(_updateResident, commune, language, now, id);
            await RunAsync(_deleteTags, id);
            foreach (var tag in tags) await RunAsync(_insertTag, id, tag);
        }

        /// <summary>Links another address (a Zalo id to a known phone) to the person.</summary>
        public Task AddAddressAsync(string id, string urn, long now) => RunAsync(_insertAddress, urn, id, urn[..urn.IndexOf(':')], now);

        public void Dispose()
        {
            foreach (var command in new[] { _insertResident, _insertAddress, _updateResident, _deleteTags, _insertTag }) command.Dispose();
        }

        private static DbCommand Prepare(DbConnection c, DbTransaction tx, string sql, params (string Name, DbType Type)[] parameters)
        {
            var command = c.CreateCommand();
            command.Transaction = tx;
            command.CommandText = sql;
            foreach (var (name, type) in parameters)
            {
                var p = command.CreateParameter();
                p.ParameterName = "@" + name;
                p.DbType = type;
                if (type == DbType.String) p.Size = 200; // SQL Server can prepare only with sized strings
                command.Parameters.Add(p);
            }
            command.Prepare();
            return command;
        }

        private static Task<int> RunAsync(DbCommand command, params object?[] values)
        {
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            return command.ExecuteNonQueryAsync();
        }
    }
}
