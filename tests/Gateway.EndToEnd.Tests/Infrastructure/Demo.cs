namespace Gateway.EndToEnd.Tests.Infrastructure;

/// <summary>Fake credentials and the demo data the gateway seeds (issue 2, "Demo data").</summary>
public static class Demo
{
    public const string TwilioKey = "twilio-demo";
    public const string TwilioAccountSid = "ACe2e0a1b2c3d4e5f6a7b8c9d0e1f2a3b4";
    public const string TwilioAuthToken = "e2e0f3b1c9e2d8a74b6c95e0a1d2c3b4";
    public const string TwilioFrom = "+15005550006";

    public const string ZaloKey = "zalo-demo";
    public const string ZaloAppId = "2863048729163584510";
    public const string ZaloOaId = "1762394058316472095";
    public const string ZaloOaSecretKey = "Zk8Qp2Lw7Xv4Tn1Rb6Hc";
    public const string ZaloAccessToken = "e2e-zalo-oa-access-token";

    public const string ProvinceOfficer = "phutho";   // province 25, Phú Thọ
    public const string LienSonOfficer = "lienson";   // Xã Liên Sơn 04960, Phú Thọ
    public const string BanHoOfficer = "banho";       // Xã Bản Hồ 03046, Lào Cai

    public const string LienSonCode = "04960";
    public const string BanHoCode = "03046";

    /// <summary>
    /// An OLD (pre-2025) commune name that maps unambiguously to Xã Liên Sơn 04960 (Phú Thọ). From
    /// vn_old_to_new_communes.csv: "17,Tỉnh Hòa Bình,152,Huyện Lương Sơn,04960,Xã Cư Yên,25,Tỉnh Phú Thọ,04960,Xã Liên Sơn,false"
    /// — not split, and "Cư Yên" (folded "cu yen") names no other old or new commune anywhere. ("Liên Sơn"
    /// itself is ambiguous: several provinces have one; "Cao Sơn" was split.)
    /// </summary>
    public const string OldCommuneNameOfLienSon = "Cư Yên";

    private static int _counter = Random.Shared.Next(0, 500_000);

    /// <summary>A fresh Vietnamese mobile number in E.164 (+8491xxxxxxx), unique within the test run.</summary>
    public static string NewResidentPhone() => $"+8491{(Interlocked.Increment(ref _counter) % 10_000_000):D7}";

    /// <summary>A fresh OA-scoped Zalo user id (decimal, 19 digits).</summary>
    public static string NewZaloUserId() => "62847" + Random.Shared.NextInt64(100_000_000_000_00, 999_999_999_999_99).ToString();

    public static string NewTwilioSid(string prefix = "SM") => prefix + Guid.NewGuid().ToString("N");
}
