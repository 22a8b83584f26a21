using System.Globalization;
using Gateway.Channels.Zalo;

namespace Gateway.Channels.Zns;

/// <summary>
/// ZNS error codes (negative <c>error</c> in the envelope; protocols.md §B4, zalo.cloud's error guide plus the
/// public maps) and what each says about the message, the resident and the channel.
/// </summary>
public static class ZnsErrors
{
    /// <summary>Prefix of <see cref="SendResult.Failed.Code"/> for ZNS envelope errors: <c>zns:-118</c>.</summary>
    public const string CodePrefix = "zns";

    public sealed record Info(string Meaning, bool Retryable, FailureKind Kind);

    private static Info Transient(string meaning) => new(meaning, true, FailureKind.Message);
    private static Info Permanent(string meaning) => new(meaning, false, FailureKind.Message);
    private static Info Token(string meaning) => new(meaning, true, FailureKind.TokenRejected);
    private static Info Unreachable(string meaning) => new(meaning, false, FailureKind.Unreachable);
    private static Info QuotaSpent(string meaning) => new(meaning, false, FailureKind.QuotaSpent);
    // Retryable: the gateway parks the channel until an admin fixes the app, and the message waits.
    private static Info Configuration(string meaning) => new(meaning, true, FailureKind.ChannelConfiguration);

    private static readonly Dictionary<int, Info> Table = new()
    {
        [-32] = Transient("Too many API calls (rate limit)"),
        [-100] = Transient("Unknown error"),
        [-101] = Configuration("App invalid"),
        [-102] = Configuration("App does not exist"),
        [-103] = Configuration("App not activated"),
        [-104] = Configuration("App secret invalid"),
        [-105] = Configuration("App not linked to an OA"),
        [-106] = Permanent("Method unsupported"),
        [-107] = Permanent("Message ID invalid"),
        [-108] = Unreachable("Phone number invalid"),
        [-109] = Permanent("Template ID invalid"),
        // The resident's Zalo app cannot show ZNS: this channel cannot reach them today.
        [-110] = Unreachable("Zalo app version too old"),
        [-111] = Permanent("Template data empty"),
        [-115] = QuotaSpent("Insufficient balance"), // number from public maps [UNVERIFIED]
        [-118] = Unreachable("Zalo account does not exist"),
        [-124] = Token("Access token invalid"), // number from public maps [UNVERIFIED]
        [-139] = Unreachable("User refused ZNS messages"), // [UNVERIFIED]
        [-141] = Unreachable("User blocked the OA"), // [UNVERIFIED]
        [-144] = QuotaSpent("Daily quota exceeded"), // [UNVERIFIED]
        // The OA API's token codes, which the ZNS host answers too.
        [-216] = Token("Access token invalid"),
        [-220] = Token("Access token expired or revoked"),
    };

    /// <summary>Unknown codes are permanent failures of this message: the safe default is not to resend.</summary>
    public static Info Find(int code) => Table.GetValueOrDefault(code) ?? Permanent("Unknown ZNS error");

    /// <summary><c>token:-124</c> for token errors (so <see cref="ZaloErrors.IsTokenError"/> holds), else <c>zns:-118</c>.</summary>
    public static string CodeFor(int error)
    {
        var number = error.ToString(CultureInfo.InvariantCulture);
        return Find(error).Kind == FailureKind.TokenRejected ? $"{ZaloErrors.TokenCodePrefix}:{number}" : $"{CodePrefix}:{number}";
    }
}
