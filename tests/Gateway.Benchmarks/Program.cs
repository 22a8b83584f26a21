using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Channels;
using Gateway.Channels.Text;
using Gateway.Channels.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

// Helpers for tests/bench.sh. Every sub-command is bounded and touches 127.0.0.1 or local files only.
//   gen          --url U --token T --account AC… --count N --threads K --residents R --out PREFIX
//   fake-twilio  --port P --seconds S            (answers the Messages API; prints the count when it stops)
//   scalar       --db FILE --sql "SELECT …"      (prints one value)
//   drain        --db FILE --timeout S [--what in|out]  (waits until nothing is left to route / to send)
//   wait         --db FILE --sql "SELECT …" --equals V --timeout S [--interval-ms 100]  (polls one value in-process)
//   seed-residents --db FILE --count N --province 25 --communes-csv FILE  (bulk residents for tests/bench-broadcast.sh)
return args.FirstOrDefault() switch
{
    "gen" => Generate.Run(new Args(args)),
    "fake-twilio" => await FakeTwilio.RunAsync(new Args(args)),
    "scalar" => Db.Scalar(new Args(args)),
    "drain" => await Db.DrainAsync(new Args(args)),
    "wait" => await Db.WaitAsync(new Args(args)),
    "seed-residents" => SeedResidents.Run(new Args(args)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Gateway.Benchmarks gen|fake-twilio|scalar|drain|wait|seed-residents [--name value]…");
    return 2;
}

sealed class Args(string[] argv)
{
    public string Get(string name, string? fallback = null)
    {
        var i = Array.IndexOf(argv, "--" + name);
        if (i >= 0 && i + 1 < argv.Length) return argv[i + 1];
        return fallback ?? throw new ArgumentException($"--{name} is required");
    }

    public int Int(string name, int? fallback = null) => int.Parse(Get(name, fallback?.ToString()));
}

/// <summary>
/// N distinct inbound-SMS webhooks as Twilio sends them: the form fields in Twilio's order, a unique MessageSid
/// each, Vietnamese text, senders spread over R Vietnamese mobile numbers, and X-Twilio-Signature computed by the
/// gateway's own <see cref="TwilioSignature"/> (cross-checked against an independent HMAC on the first one).
/// Written as one file per wrk thread (record i goes to thread i mod K), one line per request:
/// <c>signature TAB idempotency-token TAB form-body</c>.
/// </summary>
static class Generate
{
    // What residents text a commune: reports, questions, a few registrations and opt-outs (realistic mix; the
    // router handles each kind differently).
    private static readonly string[] Texts =
    [
        "Xin chào, đường vào bản bị sạt lở",
        "Cầu treo ở thôn 3 bị nước cuốn trôi, xin xã hỗ trợ gấp",
        "Nhà tôi bị ngập sâu 1 mét, có người già và trẻ nhỏ cần sơ tán",
        "Cho hỏi thủ tục đăng ký khai sinh cho cháu cần giấy tờ gì ạ?",
        "Đường liên thôn bị cây đổ chắn ngang, xe máy không đi qua được",
        "Mất điện từ tối qua đến giờ chưa có lại, cả xóm không có điện",
        "Xin hỏi khi nào phát gạo hỗ trợ cho hộ nghèo?",
        "Trâu nhà tôi bị lạc từ hôm qua, ai thấy báo giúp",
        "Nước suối dâng cao, các cháu học sinh không qua được để đến trường",
        "Báo cáo: có đám cháy rừng nhỏ ở phía sau đồi thông",
        "Tôi muốn phản ánh việc xả rác bừa bãi ở chợ phiên",
        "Giếng nước nhà văn hóa bị đục, xin kiểm tra giúp",
        "Cảm ơn cán bộ xã đã hỗ trợ bà con hôm trước",
        "Xin lịch tiêm chủng cho trẻ dưới 5 tuổi tháng này",
        "Có đoàn người lạ vào thôn thu mua đất, xin xã xác minh",
        "Ông Vừ A Sình ở bản Hồ bị ốm nặng, cần xe đưa đi viện",
        "Mưa to kéo dài, taluy dương ở km 12 có dấu hiệu nứt",
        "Con tôi bị sốt cao, trạm y tế xã có mở cửa buổi tối không?",
        "Hỏi về tiền trợ cấp người cao tuổi quý này đã có chưa",
        "Lũ quét làm hỏng 2 ha lúa của gia đình, xin được thống kê thiệt hại",
        "DK Liên Sơn",
        "dk 04960",
        "Đăng ký Bản Hồ",
        "HUY",
    ];

    private static readonly string[] Prefixes = ["90", "91", "92", "93", "94", "96", "97", "98", "99"];

    public static int Run(Args a)
    {
        var url = a.Get("url");
        var token = a.Get("token");
        var account = a.Get("account");
        var to = a.Get("to", "+15005550006");
        var count = a.Int("count");
        var threads = a.Int("threads", 2);
        var residents = a.Int("residents", 100_000);
        var prefix = a.Get("out");
        var seed = a.Int("seed", 20261123);
        var sw = Stopwatch.StartNew();

        var rng = new Random(seed);
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)); // distinct across runs
        var numbers = Enumerable.Range(0, residents)
            .Select(i => "+84" + Prefixes[i % Prefixes.Length] + (1_000_000 + (i * 7_919 % 9_000_000)).ToString("D7"))
            .ToArray();
        var segments = Texts.Select(t => SmsEncoding.Analyze(t).Segments.ToString()).ToArray();

        var writers = Enumerable.Range(0, threads)
            .Select(k => new StreamWriter($"{prefix}.{k}", false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" })
            .ToArray();
        long bytes = 0;
        for (var i = 0; i < count; i++)
        {
            var sid = "SM" + run + i.ToString("x24");
            var t = rng.Next(Texts.Length);
            // Registrations and opt-outs are rarer than reports and questions.
            if (t >= 20 && rng.Next(4) != 0) t = rng.Next(20);
            var from = numbers[rng.Next(numbers.Length)];
            var form = new List<KeyValuePair<string, string>>
            {
                new("ToCountry", "US"), new("ToState", "NJ"), new("SmsMessageSid", sid), new("NumMedia", "0"),
                new("ToCity", "JERSEY CITY"), new("FromZip", ""), new("SmsSid", sid), new("FromState", ""),
                new("SmsStatus", "received"), new("FromCity", ""), new("Body", Texts[t]), new("FromCountry", "VN"),
                new("To", to), new("ToZip", "07302"), new("NumSegments", segments[t]), new("ReferralNumMedia", "0"),
                new("MessageSid", sid), new("AccountSid", account), new("From", from), new("ApiVersion", "2010-04-01"),
            };
            var signature = TwilioSignature.Compute(token, url, form);
            if (i == 0 && signature != IndependentSignature(token, url, form))
            {
                Console.Error.WriteLine("gen: the gateway's signer and the independent HMAC-SHA1 disagree");
                return 1;
            }
            var body = FormUrlEncoding.Encode(form);
            var idem = $"{run}-{i:x12}";
            writers[i % threads].Write($"{signature}\t{idem}\t{body}\n");
            bytes += body.Length;
        }
        foreach (var w in writers) w.Dispose();
        Console.WriteLine($"gen: {count} signed webhooks for {url} from {residents} residents, {threads} files {prefix}.0..{threads - 1}, " +
                          $"mean body {bytes / Math.Max(1, count)} B, {sw.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>Twilio's algorithm written out again (URL + names and values in name order, HMAC-SHA1, Base64).</summary>
    private static string IndependentSignature(string token, string url, List<KeyValuePair<string, string>> form)
    {
        var data = new StringBuilder(url);
        foreach (var p in form.OrderBy(p => p.Key, StringComparer.Ordinal)) data.Append(p.Key).Append(p.Value);
        using var hmac = new HMACSHA1(Encoding.UTF8.GetBytes(token));
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(data.ToString())));
    }
}

/// <summary>
/// Twilio's Messages API as far as the gateway uses it: every create answers 201 with a fresh sid. The gateway's
/// prompts and acknowledgements go here instead of the internet. Stops by itself after --seconds.
/// Every accepted message is timestamped on arrival (with its SMS segments, which is what the gateway's pacer
/// counts), so <c>GET /stats?from=MS&amp;to=MS</c> (Unix ms, optional) can report the send rate: the average over a
/// window, the most in any calendar second and the most in any sliding one-second window (the pacer's own rule).
/// <c>GET /series?ms=1000</c> lists per bin (calendar seconds by default): <c>bin-start-unix-ms messages segments</c>.
/// </summary>
static class FakeTwilio
{
    public static async Task<int> RunAsync(Args a)
    {
        var port = a.Int("port");
        var seconds = a.Int("seconds", 1800);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        long created = 0;
        var arrivals = new Arrivals();
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var segments = SmsEncoding.Analyze(form["Body"].ToString()).Segments;
            arrivals.Add(segments);
            var n = Interlocked.Increment(ref created);
            return Results.Content($$"""{"sid":"SMfake{{n:x26}}","status":"queued"}""", "application/json", statusCode: 201);
        });
        app.MapGet("/count", () => Interlocked.Read(ref created).ToString());
        app.MapGet("/stats", (long? from, long? to) => arrivals.Stats(from, to));
        app.MapGet("/series", (int? ms) => arrivals.Series(ms ?? 1000));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await app.StartAsync();
        try { await Task.Delay(Timeout.Infinite, app.Lifetime.ApplicationStopping).WaitAsync(stop.Token); }
        catch (OperationCanceledException) { }
        await app.StopAsync();
        Console.WriteLine($"fake-twilio: {Interlocked.Read(ref created)} messages created");
        Console.WriteLine(arrivals.Stats(null, null));
        return 0;
    }

    /// <summary>Arrival times (Unix time in 100 ns ticks, from a monotonic clock anchored once) and segments.</summary>
    private sealed class Arrivals
    {
        private readonly long _baseUnixTicks = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * TimeSpan.TicksPerMillisecond;
        private readonly long _baseStopwatch = Stopwatch.GetTimestamp();
        private readonly List<(long At, int Segments)> _all = [];
        private readonly Lock _lock = new();

        public void Add(int segments)
        {
            var at = _baseUnixTicks + (long)(Stopwatch.GetElapsedTime(_baseStopwatch).Ticks);
            lock (_lock) _all.Add((at, segments));
        }

        private (long At, int Segments)[] Snapshot()
        {
            lock (_lock) return [.. _all.OrderBy(x => x.At)];
        }

        /// <summary>Per bin of <paramref name="ms"/> milliseconds (1000: calendar seconds): bin start (Unix ms), messages, segments.</summary>
        public string Series(int ms)
        {
            var sb = new StringBuilder();
            var bin = Math.Max(1, ms) * TimeSpan.TicksPerMillisecond;
            foreach (var g in Snapshot().GroupBy(x => x.At / bin * bin / TimeSpan.TicksPerMillisecond))
                sb.Append(g.Key).Append(' ').Append(g.Count()).Append(' ').Append(g.Sum(x => x.Segments)).Append('\n');
            return sb.ToString();
        }

        /// <summary>One line of key=value: whole run, and the window [from, to) in Unix ms when given.</summary>
        public string Stats(long? fromMs, long? toMs)
        {
            var all = Snapshot();
            var (maxSlide, maxSlideSeg) = MaxSliding(all);
            var maxCal = all.Length == 0 ? 0 : all.GroupBy(x => x.At / TimeSpan.TicksPerSecond).Max(g => g.Count());
            var maxCalSeg = all.Length == 0 ? 0 : all.GroupBy(x => x.At / TimeSpan.TicksPerSecond).Max(g => g.Sum(x => x.Segments));
            var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"stats: total={all.Length} total_segments={all.Sum(x => (long)x.Segments)} " +
                $"max_sliding_1s={maxSlide} max_sliding_1s_segments={maxSlideSeg} max_calendar_1s={maxCal} max_calendar_1s_segments={maxCalSeg}");
            if (all.Length > 0)
                sb.Append(CultureInfo.InvariantCulture, $" first_ms={all[0].At / TimeSpan.TicksPerMillisecond} last_ms={all[^1].At / TimeSpan.TicksPerMillisecond}");
            if (fromMs is { } f)
            {
                var from = f * TimeSpan.TicksPerMillisecond;
                var to = (toMs ?? all.LastOrDefault().At / TimeSpan.TicksPerMillisecond) * TimeSpan.TicksPerMillisecond;
                var window = all.Where(x => x.At >= from && x.At < to).ToArray();
                var secs = Math.Max(1e-9, (to - from) / (double)TimeSpan.TicksPerSecond);
                var (wSlide, wSlideSeg) = MaxSliding(window);
                sb.Append(CultureInfo.InvariantCulture,
                    $" window_s={secs:F3} window_count={window.Length} window_segments={window.Sum(x => (long)x.Segments)} " +
                    $"window_avg_per_s={window.Length / secs:F2} window_avg_segments_per_s={window.Sum(x => (long)x.Segments) / secs:F2} " +
                    $"window_max_sliding_1s={wSlide} window_max_sliding_1s_segments={wSlideSeg}");
            }
            return sb.ToString();
        }

        /// <summary>The most messages (and segments) whose arrivals fall in any half-open one-second window.</summary>
        private static (int Count, long Segments) MaxSliding((long At, int Segments)[] sorted)
        {
            int best = 0, j = 0;
            long bestSeg = 0, seg = 0;
            for (var i = 0; i < sorted.Length; i++)
            {
                seg += sorted[i].Segments;
                while (sorted[i].At - sorted[j].At >= TimeSpan.TicksPerSecond) seg -= sorted[j++].Segments;
                best = Math.Max(best, i - j + 1);
                bestSeg = Math.Max(bestSeg, seg);
            }
            return (best, bestSeg);
        }
    }
}

/// <summary>
/// Residents straight into the gateway's SQLite file, as a province's import would leave them: one tel:+84…
/// address each (unique), a commune of the province, a mix of languages (vi, mtq, blt, hnj, none), 0–2 tags,
/// about 1% opted out, imported_at set (so the demo adds none of its own). One transaction per 50,000 residents,
/// prepared commands re-run with new values. Ids are UUID v7 strings, like the gateway's.
/// </summary>
static class SeedResidents
{
    private static readonly string?[] LanguageMix = // 20 slots: vi 65%, none 15%, mtq 10%, blt 5%, hnj 5%
        ["vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", "vi", null, null, null, "mtq", "mtq", "blt", "hnj"];
    private static readonly string[] TagPool = ["nong-dan", "ho-ngheo", "nguoi-cao-tuoi", "vung-sat-lo", "ven-song", "giao-vien"];

    public static int Run(Args a)
    {
        var file = a.Get("db");
        var count = a.Int("count", 1_000_000);
        var province = a.Get("province", "25");
        var csv = a.Get("communes-csv");
        var batch = a.Int("batch", 50_000);
        var optOutPerMille = a.Int("opt-out-per-mille", 10);
        var rng = new Random(a.Int("seed", 20261202));
        var sw = Stopwatch.StartNew();

        // province_code,province_name,province_full_name,province_type,ward_code,… (no quoted commas in these columns)
        var communes = File.ReadLines(csv).Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length > 4 && f[0] == province).Select(f => f[4]).Distinct().ToArray();
        if (communes.Length == 0) { Console.Error.WriteLine($"seed-residents: no commune of province {province} in {csv}"); return 1; }

        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA busy_timeout=10000;");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        long optedOut = 0, tags = 0;
        var languages = new Dictionary<string, long>();
        for (var done = 0; done < count;)
        {
            using var tx = c.BeginTransaction();
            using var resident = Prepare(c, tx,
                "INSERT INTO residents (id, urn, commune_code, language, opted_out, awaiting_commune, following, created_at, updated_at, imported_at) " +
                "VALUES ($id, $urn, $commune, $language, $optedOut, 0, 1, $now, $now, $now)", "$id", "$urn", "$commune", "$language", "$optedOut", "$now");
            using var address = Prepare(c, tx,
                "INSERT INTO resident_addresses (urn, resident_id, scheme, following, last_inbound_at, created_at) VALUES ($urn, $id, 'tel', 1, NULL, $now)",
                "$urn", "$id", "$now");
            using var tag = Prepare(c, tx, "INSERT INTO resident_tags (resident_id, tag) VALUES ($id, $tag)", "$id", "$tag");
            var end = Math.Min(count, done + batch);
            for (var i = done; i < end; i++)
            {
                var id = Guid.CreateVersion7().ToString();
                var urn = "tel:+849" + i.ToString("D8"); // unique, a Vietnamese mobile shape (+84 9x xxx xxxx)
                var language = LanguageMix[rng.Next(LanguageMix.Length)];
                var opted = rng.Next(1000) < optOutPerMille ? 1 : 0;
                optedOut += opted;
                languages[language ?? "none"] = languages.GetValueOrDefault(language ?? "none") + 1;
                Run(resident, id, urn, communes[rng.Next(communes.Length)], language, opted, now);
                Run(address, urn, id, now);
                var n = rng.Next(10) switch { < 5 => 0, < 8 => 1, _ => 2 };
                var first = rng.Next(TagPool.Length);
                for (var t = 0; t < n; t++) { Run(tag, id, TagPool[(first + t) % TagPool.Length]); tags++; }
            }
            tx.Commit();
            done = end;
            if (done % 200_000 == 0 || done == count)
                Console.Error.WriteLine($"  seed-residents: {done:N0} residents, {sw.Elapsed.TotalSeconds:F1} s");
        }
        Exec(c, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
        Console.WriteLine($"seed: residents={count} opted_out={optedOut} communes={communes.Length} tags={tags} " +
                          $"languages={string.Join(',', languages.OrderBy(l => l.Key).Select(l => $"{l.Key}:{l.Value}"))} seconds={sw.Elapsed.TotalSeconds:F1}");
        return 0;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        while (r.NextResult()) { }
    }

    private static SqliteCommand Prepare(SqliteConnection c, SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var n in names) cmd.Parameters.Add(new SqliteParameter(n, null));
        cmd.Prepare();
        return cmd;
    }

    private static void Run(SqliteCommand cmd, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        cmd.ExecuteNonQuery();
    }
}

static class Db
{
    private static SqliteConnection Open(string file)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30,
        }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=10000";
        cmd.ExecuteNonQuery();
        return c;
    }

    private static object? Query(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public static int Scalar(Args a)
    {
        using var c = Open(a.Get("db"));
        Console.WriteLine(Query(c, a.Get("sql")));
        return 0;
    }

    /// <summary>
    /// Polls one value (read-only, in this process: a dotnet start per poll would take CPU from the gateway on a
    /// 2-core box) until it equals --equals or --timeout passes. Prints <c>wait: seconds=S seen_ms=UNIXMS value=V</c>
    /// and then the columns of --then (one row, run right after the match) as <c>then: a=… b=…</c>.
    /// </summary>
    public static async Task<int> WaitAsync(Args a)
    {
        var timeout = TimeSpan.FromSeconds(a.Int("timeout", 600));
        var interval = TimeSpan.FromMilliseconds(a.Int("interval-ms", 100));
        var want = a.Get("equals");
        var sql = a.Get("sql");
        var then = a.Get("then", "");
        var sw = Stopwatch.StartNew();
        using var c = Open(a.Get("db"));
        string? value = null;
        while (true)
        {
            value = Convert.ToString(Query(c, sql), CultureInfo.InvariantCulture);
            if (value == want || sw.Elapsed >= timeout) break;
            await Task.Delay(interval);
        }
        var seen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Console.WriteLine($"wait: seconds={sw.Elapsed.TotalSeconds:F2} seen_ms={seen} value={value} matched={(value == want ? 1 : 0)}");
        if (then.Length > 0)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = then;
            using var r = cmd.ExecuteReader();
            if (r.Read())
                Console.WriteLine("then: " + string.Join(' ', Enumerable.Range(0, r.FieldCount).Select(i => $"{r.GetName(i)}={Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)}")));
        }
        return value == want ? 0 : 3;
    }

    /// <summary>
    /// Polls the routing backlog (inbound messages not yet routed) until it is empty or --timeout passes, printing
    /// <c>drain: seconds=S backlog=B</c> (B = 0 when drained). Read-only, once a second.
    /// </summary>
    public static async Task<int> DrainAsync(Args a)
    {
        var timeout = TimeSpan.FromSeconds(a.Int("timeout", 600));
        var interval = TimeSpan.FromMilliseconds(a.Int("interval-ms", 1000));
        // in: stored but not yet routed; out: prompts and acknowledgements not yet handed to (fake) Twilio.
        var sql = a.Get("what", "in") == "out"
            ? "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status IN ('queued', 'sending')"
            : "SELECT COUNT(*) FROM messages WHERE direction = 'in' AND status = 'received'";
        var sw = Stopwatch.StartNew();
        long backlog = -1, first = -1;
        var next = TimeSpan.FromSeconds(10);
        // Since issue 8 a burst's backlog waits in the write-ahead ingest log, a file of its own beside the database.
        var db = a.Get("db");
        var ingestLog = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, Path.GetFileNameWithoutExtension(db) + "-ingest" + Path.GetExtension(db));
        var countLog = a.Get("what", "in") == "in" && File.Exists(ingestLog);
        while (true)
        {
            using (var c = Open(db)) backlog = Convert.ToInt64(Query(c, sql));
            if (countLog) using (var c = Open(ingestLog)) backlog += Convert.ToInt64(Query(c, "SELECT COUNT(*) FROM ingest_log"));
            if (first < 0) first = backlog;
            if (backlog == 0 || sw.Elapsed >= timeout) break;
            if (sw.Elapsed >= next)
            {
                Console.Error.WriteLine($"  drain: {sw.Elapsed.TotalSeconds:F0} s, {backlog} left");
                next += TimeSpan.FromSeconds(10);
            }
            await Task.Delay(interval);
        }
        Console.WriteLine($"drain: seconds={sw.Elapsed.TotalSeconds:F1} start_backlog={first} backlog={backlog}");
        return 0;
    }
}
