namespace EventDriven.Contracts;

/// <summary>The saga's state names, as stored and as the API reports them. Defined once here.</summary>
public static class LookupStatus
{
    public const string Geocoding = nameof(Geocoding);
    public const string FetchingCrimes = nameof(FetchingCrimes);
    public const string Completed = nameof(Completed);
    public const string NotFound = nameof(NotFound);

    /// <summary>The geocoder knows the postcode but has no coordinates for it (the Channel Islands, the Isle of Man): a final answer.</summary>
    public const string NoLocation = nameof(NoLocation);
    public const string Unsupported = nameof(Unsupported);
    public const string Failed = nameof(Failed);

    public static readonly IReadOnlyList<string> All = [Geocoding, FetchingCrimes, Completed, NotFound, NoLocation, Unsupported, Failed];

    public static bool IsTerminal(string status) => status is Completed or NotFound or NoLocation or Unsupported or Failed;
}
