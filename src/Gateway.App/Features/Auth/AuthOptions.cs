namespace Gateway.App.Features.Auth;

/// <summary>Section <c>Auth</c>: how long a session lives and how hard sign-in guessing is slowed down.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>A session unused this long is over (sliding: every use moves it on).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session is over this long after sign-in, however busy.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// A session's last use is written at most this often: the idle clock is this coarse, and the inbox API does
    /// not write a row per request.
    /// </summary>
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);

    public SignInThrottleOptions SignIn { get; set; } = new();

    public bool IsValid(out string problem)
    {
        problem = "";
        if (IdleTimeout <= TimeSpan.Zero || AbsoluteLifetime <= TimeSpan.Zero) problem = "Auth:IdleTimeout and Auth:AbsoluteLifetime must be positive";
        else if (TouchInterval < TimeSpan.Zero || TouchInterval >= IdleTimeout) problem = "Auth:TouchInterval must be shorter than Auth:IdleTimeout";
        else if (!SignIn.IsValid(out var signIn)) problem = signIn;
        return problem.Length == 0;
    }
}

/// <summary>
/// Section <c>Auth:SignIn</c>. Failures are counted per account and per client address: a few are free, then each
/// one makes the next attempt wait twice as long, and at <c>…LockAfter</c> the key is locked for <see cref="LockDuration"/>.
/// An address gets more free failures than an account: a whole commune office may sign in from one address.
/// </summary>
public sealed class SignInThrottleOptions
{
    public int AccountFreeFailures { get; set; } = 3;
    public int AccountLockAfter { get; set; } = 10;
    public int AddressFreeFailures { get; set; } = 10;
    public int AddressLockAfter { get; set; } = 30;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A count with no failure for this long starts again from zero.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);

    public ThrottlePolicy Account => new(AccountFreeFailures, AccountLockAfter, BaseDelay, MaxDelay, LockDuration);
    public ThrottlePolicy Address => new(AddressFreeFailures, AddressLockAfter, BaseDelay, MaxDelay, LockDuration);

    public bool IsValid(out string problem)
    {
        problem = "";
        if (AccountFreeFailures < 0 || AddressFreeFailures < 0) problem = "Auth:SignIn free failures cannot be negative";
        else if (AccountLockAfter <= AccountFreeFailures || AddressLockAfter <= AddressFreeFailures) problem = "Auth:SignIn …LockAfter must be above …FreeFailures";
        else if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay || LockDuration <= TimeSpan.Zero || FailureWindow <= TimeSpan.Zero)
            problem = "Auth:SignIn delays must be positive, MaxDelay at least BaseDelay";
        return problem.Length == 0;
    }
}

/// <param name="FreeFailures">Failures before the first delay.</param>
/// <param name="LockAfter">Failures that lock the key for <paramref name="LockDuration"/>.</param>
public sealed record ThrottlePolicy(int FreeFailures, int LockAfter, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan LockDuration)
{
    /// <summary>How long the next attempt must wait after <paramref name="failures"/> failures in a row.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        if (failures < FreeFailures || failures <= 0) return TimeSpan.Zero;
        if (failures >= LockAfter) return LockDuration;
        var doublings = Math.Min(failures - FreeFailures, 30);
        var delay = BaseDelay * Math.Pow(2, doublings);
        return delay > MaxDelay ? MaxDelay : delay;
    }

    public bool IsLock(int failures) => failures >= LockAfter;
}
