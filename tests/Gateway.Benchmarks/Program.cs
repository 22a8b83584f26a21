using System.Diagnostics;
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
return args.FirstOrDefault() switch
{
    "gen" => Generate.Run(new Args(args)),
    "fake-twilio" => await FakeTwilio.RunAsync(new Args(args)),
    "scalar" => Db.Scalar(new Args(args)),
    "drain" => await Db.DrainAsync(new Args(args)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Gateway.Benchmarks gen|fake-twilio|scalar|drain [--name value]…");
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
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            var n = Interlocked.Increment(ref created);
            return Results.Content($$"""{"sid":"SMfake{{n:x26}}","status":"queued"}""", "application/json", statusCode: 201);
        });
        app.MapGet("/count", () => Interlocked.Read(ref created).ToString());
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        await app.StartAsync();
        try { await Task.Delay(Timeout.Infinite, app.Lifetime.ApplicationStopping).WaitAsync(stop.Token); }
        catch (OperationCanceledException) { }
        await app.StopAsync();
        Console.WriteLine($"fake-twilio: {Interlocked.Read(ref created)} messages created");
        return 0;
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
        while (true)
        {
            using (var c = Open(a.Get("db"))) backlog = Convert.ToInt64(Query(c, sql));
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
