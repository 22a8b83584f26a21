namespace Gateway.App.Features.Directory;

/// <summary>Why a name does not identify one commune.</summary>
public enum AmbiguityReason
{
    /// <summary>The same name exists in several provinces and nothing in the text narrowed it (314 short names recur).</summary>
    SameNameInSeveralProvinces,

    /// <summary>An old (pre-2025) commune that was divided among several new communes: ask, don't guess.</summary>
    SplitOldCommune,

    /// <summary>Names that differ only by diacritics (Văn Lang / Văn Lăng), typed without them.</summary>
    CollidesWithoutDiacritics,

    /// <summary>An old name that several old communes of one province carried, now in different new communes.</summary>
    OldNameInSeveralPlaces,

    /// <summary>
    /// With an old district ("Đông Phước, Châu Thành, Hậu Giang"), the name is both a current commune and an old commune of that
    /// district that went elsewhere: the text reads both ways.
    /// </summary>
    NewAndOldNamesDiffer,
}

/// <summary>Result of <see cref="CommuneDirectory.Resolve"/>: exactly one of <see cref="Found"/>, <see cref="Ambiguous"/>, <see cref="NotFound"/>.</summary>
public abstract record CommuneMatch
{
    private CommuneMatch() { }

    /// <summary>One commune. <paramref name="ViaOldName"/>: the text named (or coded) an old commune that went into it.</summary>
    public sealed record Found(Commune Commune, bool ViaOldName) : CommuneMatch
    {
        /// <summary>The old commune the text named, when <see cref="ViaOldName"/> and it is known (for "X (cũ) nay là Y" replies).</summary>
        public OldCommune? OldCommune { get; init; }
    }

    /// <summary>
    /// Several communes fit: ask the resident (<see cref="CommuneDirectory.DescribeChoices(Ambiguous)"/>).
    /// <paramref name="Candidates"/> holds at most <see cref="CommuneDirectory.MaxCandidates"/>, ordered by code.
    /// </summary>
    public sealed record Ambiguous(IReadOnlyList<Commune> Candidates, AmbiguityReason Reason) : CommuneMatch
    {
        /// <summary>How many communes fit before the list was capped.</summary>
        public int Total { get; init; }

        /// <summary>More communes fit than <see cref="Candidates"/> lists: better to ask for the province.</summary>
        public bool Truncated => Total > Candidates.Count;
    }

    /// <summary>Nothing in the directory fits the text.</summary>
    public sealed record NotFound : CommuneMatch
    {
        public static readonly NotFound Instance = new();
    }
}
