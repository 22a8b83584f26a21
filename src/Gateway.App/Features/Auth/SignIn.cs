using Gateway.App.Features.Audit;

namespace Gateway.App.Features.Auth;

/// <summary>
/// One sign-in attempt, the same for the web form (<c>POST /login</c>) and the API (<c>POST /api/auth/token</c>):
/// bounded input, the throttle, the password check, the audit row, and a session on success.
/// The password never leaves this method; the attempted username reaches logs masked only.
/// </summary>
public sealed class SignIn(Officials officials, Sessions sessions, SignInThrottle throttle, AuditLog audit, ILogger<SignIn> logger)
{
    public const int MaxUsernameLength = 64;
    public const int MaxPasswordLength = 256;

    public enum Outcome { Missing, TooLong, Throttled, Denied, Disabled, Ok }

    /// <param name="Token">The new session's bearer token (Ok only).</param>
    /// <param name="RetryAfterSeconds">How long to wait (Throttled only).</param>
    public sealed record Result(Outcome Outcome, Official? Official = null, string? Token = null, int RetryAfterSeconds = 0);

    /// <param name="via">"web" or "api", for the audit row.</param>
    public async Task<Result> AttemptAsync(string? username, string? password, HttpContext http, string via)
    {
        username = (username ?? "").Trim();
        password ??= "";
        if (username.Length == 0 || password.Length == 0) return new Result(Outcome.Missing);
        // Before any lookup: an over-long name is no account, and is neither hashed into the throttle nor logged.
        if (username.Length > MaxUsernameLength || password.Length > MaxPasswordLength) return new Result(Outcome.TooLong);
        username = username.ToLowerInvariant(); // usernames are lower-case; "LienSon" on a phone keyboard is lienson

        var address = ClientAddress.Of(http);
        var admission = await throttle.AdmitAsync(username, address);
        if (!admission.Admitted)
        {
            logger.LogInformation("Sign-in for {User} from {Address} refused for {Seconds} s (throttled)", LogMask.Username(username), address, admission.RetryAfterSeconds);
            return new Result(Outcome.Throttled, RetryAfterSeconds: admission.RetryAfterSeconds);
        }

        var check = await officials.VerifyAsync(username, password);
        if (check.Outcome == Officials.VerifyOutcome.Ok)
        {
            await throttle.SucceededAsync(username, address);
            var token = await sessions.IssueAsync(check.Official!, check.SessionVersion);
            await audit.WriteAsync(check.Official!.Username, "auth.login", null, "ok", $"{via} from {address}");
            return new Result(Outcome.Ok, check.Official, token);
        }

        // A name that is no account may be a password typed in the wrong field: the audit row keeps it masked too.
        var actor = check.Official?.Username ?? LogMask.Username(username);
        var reason = check.Outcome switch
        {
            Officials.VerifyOutcome.Disabled => "account disabled",
            Officials.VerifyOutcome.UnknownAccount => "unknown account",
            _ => "wrong password",
        };
        await audit.WriteAsync(actor, "auth.login", null, "denied", $"{via} from {address}: {reason}");
        logger.LogWarning("Sign-in for {User} from {Address} refused: {Reason}", LogMask.Username(username), address, reason);
        await AuditLocksAsync(actor, address, admission);
        return new Result(check.Outcome == Officials.VerifyOutcome.Disabled ? Outcome.Disabled : Outcome.Denied);
    }

    /// <summary>A lock is worth its own row: the moment an attack (or a forgetful official) was stopped.</summary>
    private async Task AuditLocksAsync(string actor, string address, SignInThrottle.Admission admission)
    {
        var o = throttle.Options;
        if (o.Account.IsLock((int)Math.Min(admission.AccountFailures, int.MaxValue)))
        {
            await audit.WriteAsync(actor, "auth.lock", "account", "denied", $"{admission.AccountFailures} failures: locked for {o.LockDuration}");
            logger.LogWarning("Sign-in for {User} locked for {Duration} after {Failures} failures", LogMask.Username(actor), o.LockDuration, admission.AccountFailures);
        }
        if (o.Address.IsLock((int)Math.Min(admission.AddressFailures, int.MaxValue)))
        {
            await audit.WriteAsync(actor, "auth.lock", $"address:{address}", "denied", $"{admission.AddressFailures} failures: locked for {o.LockDuration}");
            logger.LogWarning("Sign-in from {Address} locked for {Duration} after {Failures} failures", address, o.LockDuration, admission.AddressFailures);
        }
    }
}
