using Gateway.App.Features.Channels;
using Gateway.App.Features.Oversight;
using System.Data.Common;
using Dapper;
using Gateway.App.Features.Notices;
using Gateway.App.Features.Notices.Sending;
using Gateway.App.Features.Notices.Templates;
using Gateway.App.Features.Outbound;
using Gateway.App.Features.Routing;
using Gateway.App.Features.Webhooks;
using Gateway.App.Infrastructure;
using Gateway.App.Infrastructure.Database;
using Gateway.App.Infrastructure.Outbox;
using Gateway.Channels;
using Gateway.Contracts;
using Gateway.Fakes;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.App.Tests.Infrastructure;

/// <summary>
/// The gateway's services composed as Program.cs composes them (core, database, outbox, features, auth), on a real
/// SQLite file in a temp folder, with MassTransit's in-memory test harness in place of the bus and a
/// <see cref="FakeTimeProvider"/> for the clock. The background loops run once at start and are then parked (their
/// intervals are set far beyond anything a test advances), so tests drive sweeps and escalations explicitly.
/// </summary>
public sealed class GatewayTestHost : IAsyncDisposable
{
    /// <summary>A simulator channel with no default commune.</summary>
    public const string Simulator = "simulator";

    /// <summary>A simulator channel whose default commune is Xã Liên Sơn (04960, Phú Thọ).</summary>
    public const string LienSonChannel = "sim-lienson";

    /// <summary>A Twilio channel pointed at a <see cref="FakeTwilioServer"/> (only when one is given).</summary>
    public const string Twilio = "twilio-x";

    public const string LienSon = "04960";          // Xã Liên Sơn, Phú Thọ (25)
    public const string BanHo = "03046";            // Xã Bản Hồ, Lào Cai (15)
    public const string TriageProvince = "25";

    public const string ResidentPhone = "+84912345678";
    public static readonly string ResidentUrn = Urn.Phone(ResidentPhone).ToString();

    public static readonly DateTimeOffset Epoch = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Parked = TimeSpan.FromDays(40); // Task.Delay refuses more than ~49 days
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(20);

    private readonly string _folder;
    private int _providerIds;

    private GatewayTestHost(string folder, ServiceProvider services, FakeTimeProvider time, ITestHarness harness)
    {
        _folder = folder;
        Services = services;
        Time = time;
        Harness = harness;
    }

    public ServiceProvider Services { get; }
    public FakeTimeProvider Time { get; }
    public ITestHarness Harness { get; }
    public Db Db => Services.GetRequiredService<Db>();

    /// <summary>The temp folder holding the database file.</summary>
    public string Folder => _folder;

    /// <summary>Keep the database on dispose, to start a second host on it (a restart).</summary>
    public bool KeepFiles { get; set; }

    /// <param name="folder">An existing host's <see cref="Folder"/>, to restart on its database; else a new temp folder.</param>
    public static async Task<GatewayTestHost> StartAsync(ITestOutputHelper? output = null, FakeTwilioServer? twilio = null,
        IDictionary<string, string?>? settings = null, string? folder = null)
    {
        var createdFolder = folder is null;
        folder ??= Path.Combine(Path.GetTempPath(), "gateway-app-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(folder);

        var values = new Dictionary<string, string?>
        {
            ["Gateway:PublicBaseUrl"] = "https://gateway.test",
            ["Database:Provider"] = "Sqlite",
            ["Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "gateway.db")}",
            ["Database:SqliteSynchronous"] = "NORMAL",
            ["Channels:simulator:Type"] = "simulator",
            ["Channels:sim-lienson:Type"] = "simulator",
            ["Channels:sim-lienson:DefaultCommune"] = LienSon,
            ["Routing:HoldTimeout"] = "1.00:00:00",
            ["Routing:TriageProvince"] = TriageProvince,
            ["Routing:EscalationInterval"] = Parked.ToString(),
            ["Outbox:SweepInterval"] = Parked.ToString(),
            ["Outbox:StaleSweepInterval"] = Parked.ToString(),
            ["Outbound:RetrySweepInterval"] = Parked.ToString(),
            ["Notices:SchedulerInterval"] = Parked.ToString(),
            ["ZaloTokens:CheckInterval"] = Parked.ToString(),
            ["Outbound:ReconcileInterval"] = Parked.ToString(),
            ["Inbox:Deadlines:CheckInterval"] = Parked.ToString(),
            ["Privacy:Retention:Interval"] = Parked.ToString(),
            ["Outbound:SendTimeout"] = "00:00:10",
        };
        if (twilio is not null)
        {
            values[$"Channels:{Twilio}:Type"] = "twilio";
            values[$"Channels:{Twilio}:AccountSid"] = twilio.AccountSid;
            values[$"Channels:{Twilio}:AuthToken"] = twilio.AuthToken;
            values[$"Channels:{Twilio}:From"] = "UBND-XA";
            values[$"Channels:{Twilio}:ApiBaseUrl"] = twilio.Url;
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var time = new TestClock(Epoch);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("MassTransit", LogLevel.Warning);
            logging.AddFilter("System.Net.Http", LogLevel.Warning);
            if (output is not null) logging.AddProvider(new TestOutputLoggerProvider(output));
        });

        // The same composition as Program.cs, with the test harness in place of AddGatewayMessaging.
        services.AddGatewayCore();
        services.AddGatewayDatabase();
        services.AddGatewayOutbox();
        services.AddGatewayFeatures();
        services.AddGatewayAuth();
        services.AddNotices();
        services.AddChannels(configuration);
        services.AddOversight();
        services.AddSingleton<TimeProvider>(time);
        services.AddMassTransitTestHarness(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumer<RouteInboundMessageConsumer, RouteInboundMessageConsumerDefinition>();
            bus.AddConsumer<SendOutboundMessageConsumer, SendOutboundMessageConsumerDefinition>();
            bus.AddConsumer<SendNoticeChunkConsumer, SendNoticeChunkConsumerDefinition>();
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        try
        {
            await provider.GetRequiredService<Migrator>().MigrateAsync();
            await provider.GetRequiredService<TemplateLoader>().LoadAsync();
            var harness = provider.GetTestHarness();
            harness.TestTimeout = TimeSpan.FromSeconds(30);
            harness.TestInactivityTimeout = TimeSpan.FromSeconds(2);
            await harness.Start();
            // Since .NET 10 a BackgroundService's first pass runs beside start-up, not within it: wait until the
            // gateway's periodic loops (outbox sweeper, unfinished-work recovery, retry sweeper, escalator) have each
            // done theirs and parked on the clock, so their start-of-day work cannot race the test.
            var loops = provider.GetServices<IHostedService>().Count(IsPeriodicLoop);
            await EventuallyAsync(() => Task.FromResult(time.Timers >= loops),
                $"the gateway's {loops} periodic background loops to park on the clock (a new loop that waits on something else belongs in {nameof(IsPeriodicLoop)}); "
                + string.Join(", ", provider.GetServices<IHostedService>().Where(IsPeriodicLoop).Select(s => $"{s.GetType().Name}={((BackgroundService)s).ExecuteTask?.Status} {((BackgroundService)s).ExecuteTask?.Exception?.InnerException?.Message}")) + $"; timers {time.Timers}");
            return new GatewayTestHost(folder, provider, time, harness);
        }
        catch
        {
            await provider.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (createdFolder) try { System.IO.Directory.Delete(folder, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The gateway's background services that wait on the clock between passes (the writers wait on queues).</summary>
    private static bool IsPeriodicLoop(IHostedService service) =>
        service is BackgroundService && service.GetType().Assembly == typeof(GatewaySetup).Assembly
        && service is not InboundWriter && service is not OutboxPublisher && service is not IngestLogMover && service is not GroupCommit;

    /// <summary>A background service as registered (the sweepers and the escalator are hosted services only).</summary>
    public T Hosted<T>() where T : IHostedService => Services.GetServices<IHostedService>().OfType<T>().Single();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    // ---- Inbound ----------------------------------------------------------------------------------------------------

    public MessageReceived Message(string text, string from = ResidentPhone, string? providerMessageId = null) =>
        new(providerMessageId ?? $"PM{Interlocked.Increment(ref _providerIds):D6}-{Guid.NewGuid():N}", Urn.Phone(from), null,
            text, Gateway.Channels.Text.VietText.Normalize(text), [], null, null);

    /// <summary>
    /// What a webhook does: appends the message to the ingest log through the grouped-commit writer; then waits for the
    /// mover to take it into <c>messages</c> and says whether it was new there or a provider's repeat.
    /// </summary>
    public async Task<StoreOutcome> StoreAsync(string channelKey, MessageReceived message)
    {
        var id = await Get<InboundWriter>().StoreAsync(channelKey, message, CancellationToken.None);
        await EventuallyAsync(async () =>
        {
            await using var log = await Get<IngestLogDb>().OpenAsync();
            return await log.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ingest_log WHERE message_id = @id", new { id = id.ToString() }) == 0;
        }, "the ingest log mover to move the message");
        return await ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE id = @id", new { id = id.ToString() }) == 1
            ? StoreOutcome.Stored : StoreOutcome.Duplicate;
    }

    /// <summary>
    /// A resident's text arrives: stored as a webhook would store it, routed by the consumer, and whatever the gateway
    /// answered handed to the channel. Returns the stored message's id.
    /// </summary>
    public async Task<string> ReceiveAsync(string text, string from = ResidentPhone, string channelKey = Simulator)
    {
        var message = Message(text, from);
        Assert.Equal(StoreOutcome.Stored, await StoreAsync(channelKey, message));
        var id = await ScalarAsync<string>(
            "SELECT id FROM messages WHERE channel_key = @channelKey AND direction = 'in' AND provider_message_id = @pid",
            new { channelKey, pid = message.ProviderMessageId });
        await ConsumedAsync<InboundMessageReceived>(m => m.MessageId == Guid.Parse(id));
        // One step at a time: the fake clock does not move by itself, so give each message its own millisecond.
        Time.Advance(TimeSpan.FromMilliseconds(10));
        await SettledAsync();
        return id;
    }

    // ---- Waiting ----------------------------------------------------------------------------------------------------

    /// <summary>Waits until the harness saw <typeparamref name="T"/> matching <paramref name="match"/> consumed without a fault.</summary>
    public async Task ConsumedAsync<T>(Func<T, bool> match, int count = 1) where T : class
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            // The harness's lists wait for more until the bus has been idle for TestInactivityTimeout: take only as
            // many as expected so a satisfied wait returns at once (and a message still in the outbox is waited for).
            var seen = Harness.Consumed.Select<T>(x => match(x.Context.Message)).Take(count).ToList();
            var fault = seen.FirstOrDefault(x => x.Exception is not null);
            if (fault is not null) throw new Xunit.Sdk.XunitException($"{typeof(T).Name} faulted: {fault.Exception}");
            if (seen.Count >= count) return;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{typeof(T).Name} was not consumed {count} time(s) within {WaitLimit}");
            await Task.Delay(25);
        }
    }

    /// <summary>Waits until the ingest log is moved, every outbox row is published and every queued send has been attempted.</summary>
    public Task SettledAsync() => EventuallyAsync(async () =>
        await IngestLogCountAsync() == 0
        && await ScalarAsync<long>("SELECT COUNT(*) FROM outbox") == 0
        && await ScalarAsync<long>("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending')") == 0,
        "the outbox to drain and queued sends to be attempted");

    public async Task<long> IngestLogCountAsync()
    {
        await using var log = await Get<IngestLogDb>().OpenAsync();
        return await log.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM ingest_log");
    }

    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}");
            await Task.Delay(25);
        }
    }

    // ---- Outbound ---------------------------------------------------------------------------------------------------

    /// <summary>Queues a message the way replies and notices do (row + outbox row in one transaction, then publish).</summary>
    public async Task<string> QueueOutboundAsync(string channelKey, string urn, string text, string kind = "reply")
    {
        var db = Db;
        (Guid Id, OutboxEntry? Entry) queued;
        await using (var c = await db.OpenAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            queued = await OutboundQueue.EnqueueAsync(c, tx, db.Dialect, Time.NowMs(), new NewOutbound(channelKey, urn, text, kind));
            await tx.CommitAsync();
        }
        Get<OutboxPublisher>().Enqueue(queued.Entry!);
        return queued.Id.ToString();
    }

    // ---- Database ---------------------------------------------------------------------------------------------------

    public Task<DbConnection> OpenAsync() => Db.OpenAsync();

    public async Task<T> ScalarAsync<T>(string sql, object? param = null)
    {
        await using var c = await OpenAsync();
        return await c.ExecuteScalarAsync<T>(sql, param) ?? throw new Xunit.Sdk.XunitException($"No value for: {sql}");
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var c = await OpenAsync();
        return (await c.QueryAsync<T>(sql, param)).ToList();
    }

    public async Task<int> ExecuteAsync(string sql, object? param = null)
    {
        await using var c = await OpenAsync();
        return await c.ExecuteAsync(sql, param);
    }

    public async Task<MessageRow> MessageAsync(string id) =>
        (await QueryAsync<MessageRow>($"{MessageRow.Select} WHERE id = @id", new { id })).Single();

    public Task<List<MessageRow>> MessagesAsync(string urn, string direction) =>
        QueryAsync<MessageRow>($"{MessageRow.Select} WHERE urn = @urn AND direction = @direction ORDER BY created_at, id", new { urn, direction });

    public async Task<ResidentRow?> ResidentAsync(string urn) =>
        (await QueryAsync<ResidentRow>($"{ResidentRow.Select} WHERE urn = @urn", new { urn })).SingleOrDefault();

    public Task<List<ConversationRow>> ConversationsAsync(string urn) =>
        QueryAsync<ConversationRow>($"{ConversationRow.Select} WHERE urn = @urn ORDER BY created_at, id", new { urn });

    /// <summary>Arranges a resident who registered their commune earlier.</summary>
    public async Task AddResidentAsync(string urn, string? communeCode, bool optedOut = false)
    {
        var id = Guid.CreateVersion7().ToString();
        await ExecuteAsync(
            "INSERT INTO residents (id, urn, commune_code, opted_out, awaiting_commune, following, created_at, updated_at) VALUES (@id, @urn, @communeCode, @optedOut, 0, 1, @now, @now)",
            new { id, urn, communeCode, optedOut = optedOut ? 1 : 0, now = Time.NowMs() });
        await ExecuteAsync(
            "INSERT INTO resident_addresses (urn, resident_id, scheme, following, created_at) VALUES (@urn, @id, @scheme, 1, @now)",
            new { id, urn, scheme = urn[..urn.IndexOf(':')], now = Time.NowMs() });
    }

    public async ValueTask DisposeAsync()
    {
        try { await Harness.Stop(); }
        catch { /* stopping is best effort; the folder is removed regardless */ }
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (KeepFiles) return;
        try { System.IO.Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a file still open on some platform: left for the OS to clean */ }
    }
}

public sealed class MessageRow
{
    public const string Select =
        "SELECT id AS Id, direction AS Direction, kind AS Kind, channel_key AS ChannelKey, urn AS Urn, conversation_id AS ConversationId, " +
        "provider_message_id AS ProviderMessageId, text AS Text, status AS Status, error_code AS ErrorCode, attempts AS Attempts, " +
        "next_attempt_at AS NextAttemptAt, created_at AS CreatedAt FROM messages";

    public string Id { get; init; } = "";
    public string Direction { get; init; } = "";
    public string Kind { get; init; } = "";
    public string ChannelKey { get; init; } = "";
    public string Urn { get; init; } = "";
    public string? ConversationId { get; init; }
    public string? ProviderMessageId { get; init; }
    public string Text { get; init; } = "";
    public string Status { get; init; } = "";
    public string? ErrorCode { get; init; }
    public long Attempts { get; init; }
    public long? NextAttemptAt { get; init; }
    public long CreatedAt { get; init; }

    public override string ToString() => $"{Direction}/{Kind}/{Status}: {Text}";
}

public sealed class ResidentRow
{
    public const string Select =
        "SELECT id AS Id, urn AS Urn, commune_code AS CommuneCode, opted_out AS OptedOut, awaiting_commune AS AwaitingCommune, " +
        "pending_choices AS PendingChoices FROM residents";

    public string Id { get; init; } = "";
    public string Urn { get; init; } = "";
    public string? CommuneCode { get; init; }
    public long OptedOut { get; init; }
    public long AwaitingCommune { get; init; }
    public string? PendingChoices { get; init; }
}

public sealed class ConversationRow
{
    public const string Select =
        "SELECT id AS Id, tracking_code AS TrackingCode, commune_code AS CommuneCode, province_code AS ProvinceCode, resident_id AS ResidentId, " +
        "channel_key AS ChannelKey, urn AS Urn, status AS Status FROM conversations";

    public string Id { get; init; } = "";
    public string TrackingCode { get; init; } = "";
    public string? CommuneCode { get; init; }
    public string ProvinceCode { get; init; } = "";
    public string ResidentId { get; init; } = "";
    public string ChannelKey { get; init; } = "";
    public string Urn { get; init; } = "";
    public string Status { get; init; } = "";
}

/// <summary>A fake clock that counts the timers created on it (a background loop waiting on it has parked).</summary>
internal sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timers;

    public int Timers => Volatile.Read(ref _timers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _timers);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}

/// <summary>Routes the gateway's logs to the test's output, so a failing test shows what the services did.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName);

    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try { output.WriteLine($"{logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}"); }
            catch (InvalidOperationException) { /* the test already finished */ }
        }
    }
}

/// <summary>What became of a stored webhook once the mover took it from the ingest log.</summary>
public enum StoreOutcome { Stored, Duplicate }
