namespace Gateway.App.Features.Privacy;

/// <summary>
/// <c>Privacy:Retention</c>: how long residents' message bodies and addresses are kept, per kind, before the
/// <see cref="RetentionJob"/> anonymises them (0 keeps that kind for ever). The reasoning behind the defaults is in the
/// README ("Personal data").
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Privacy:Retention";

    /// <summary>A conversation's messages, its address, its search words and officials' notes, counted from its resolution.</summary>
    public TimeSpan Conversations { get; set; } = TimeSpan.FromDays(730);

    /// <summary>A notice delivery's address, counted from its last status change (the text is the broadcast's, kept).</summary>
    public TimeSpan Notices { get; set; } = TimeSpan.FromDays(365);

    /// <summary>An audit row's detail (and a sign-in's client address), counted from when it was written.</summary>
    public TimeSpan Audit { get; set; } = TimeSpan.FromDays(1826);

    /// <summary>How often the job looks.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Rows a write transaction anonymises: the write lock is held for one chunk at a time.</summary>
    public int ChunkSize { get; set; } = 500;

    public bool IsValid(out string problem)
    {
        problem = Conversations < TimeSpan.Zero || Notices < TimeSpan.Zero || Audit < TimeSpan.Zero ? "retention periods are 0 (keep) or positive"
            : Interval <= TimeSpan.Zero ? "Interval must be positive"
            : ChunkSize is < 1 or > 2000 ? "ChunkSize is 1 to 2000"
            : "";
        return problem.Length == 0;
    }
}
