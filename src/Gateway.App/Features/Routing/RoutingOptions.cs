namespace Gateway.App.Features.Routing;

public sealed class RoutingOptions
{
    public const string Section = "Routing";

    /// <summary>How long a message waits for the resident to name their commune before it goes to the province triage inbox.</summary>
    public TimeSpan HoldTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Province whose triage inbox receives unresolved messages when the channel names none.</summary>
    public string TriageProvince { get; set; } = "25";

    /// <summary>How often held messages are checked against <see cref="HoldTimeout"/>.</summary>
    public TimeSpan EscalationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
