using System.Text;
using System.Text.Json;

namespace Gateway.Channels.Tests.Vectors;

/// <summary>Reads <c>Vectors/vectors.json</c> (copied into the output folder; see Vectors/README.md).</summary>
internal static class ConformanceVectors
{
    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vectors", "vectors.json")));
        return doc.RootElement.Clone();
    });

    public static JsonElement Twilio(string id) => ById("twilio_signature_vectors", id);
    public static JsonElement Zalo(string id) => ById("zalo_webhook_vectors", id);
    public static JsonElement Sms(int index) => Root.Value.GetProperty("sms_segment_vectors")[index];
    public static JsonElement Exchange(string provider, string name) => Root.Value.GetProperty("sample_exchanges").GetProperty(provider).GetProperty(name);

    public static TheoryData<string> TwilioIds => Ids("twilio_signature_vectors");
    public static TheoryData<string> ZaloIds => Ids("zalo_webhook_vectors");

    public static TheoryData<int> SmsIndexes
    {
        get
        {
            var data = new TheoryData<int>();
            for (var i = 0; i < Root.Value.GetProperty("sms_segment_vectors").GetArrayLength(); i++) data.Add(i);
            return data;
        }
    }

    public static IEnumerable<JsonElement> All(string section) => Root.Value.GetProperty(section).EnumerateArray();

    public static int Count(string section) => Root.Value.GetProperty(section).GetArrayLength();

    /// <summary>A vector's <c>params</c>: a value that is an array stands for a repeated name.</summary>
    public static List<KeyValuePair<string, string>> Params(JsonElement vector)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var p in vector.GetProperty("params").EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Array)
                pairs.AddRange(p.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(p.Name, v.GetString()!)));
            else
                pairs.Add(new(p.Name, p.Value.GetString()!));
        }
        return pairs;
    }

    public static string? Str(JsonElement vector, string name) =>
        vector.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static JsonElement ById(string section, string id) =>
        Root.Value.GetProperty(section).EnumerateArray().Single(v => v.GetProperty("id").GetString() == id);

    private static TheoryData<string> Ids(string section)
    {
        var data = new TheoryData<string>();
        foreach (var v in Root.Value.GetProperty(section).EnumerateArray()) data.Add(v.GetProperty("id").GetString()!);
        return data;
    }
}
