namespace Gateway.App.Features.Residents;

/// <summary>
/// A person, reached through one of their addresses: <see cref="Urn"/> is the address this row was loaded by
/// (the one a message came from, and so the one to answer on); the person may have others (tel: and zalo:).
/// </summary>
public sealed class Resident
{
    public string Id { get; init; } = "";
    public string Urn { get; init; } = "";
    public string? CommuneCode { get; init; }
    public string? Language { get; init; }
    public bool OptedOut { get; init; }
    public bool AwaitingCommune { get; init; }
    public string? PendingChoices { get; init; }

    public IReadOnlyList<string> Choices => PendingChoices?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}
