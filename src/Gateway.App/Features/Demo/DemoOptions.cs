namespace Gateway.App.Features.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Seed the demo officials (embedded default only; off in production configuration).</summary>
    public bool Enabled { get; set; }
}
