namespace Gateway.App.Features.Auth;

/// <summary>
/// What a log line or an audit row may say about a username someone typed: people type passwords into the
/// username field, so an attempted name that is no account is only ever shown masked.
/// </summary>
public static class LogMask
{
    public static string Username(string? username)
    {
        if (string.IsNullOrEmpty(username)) return "(none)";
        return username.Length <= 3 ? "***" : username[..2] + "***";
    }
}
