namespace EventDriven.Contracts;

/// <summary>
/// Receive endpoint (queue) names, defined once: the bus configuration, the saga's command addresses,
/// the CloudFormation scaling policy and alarms all use these (a test checks the template).
/// Dead letters go to <c>{queue}_error</c>.
/// </summary>
public static class QueueNames
{
    public const string CrimeLookupSaga = "crime-lookup-state";
    public const string GeocodePostcode = "geocode-postcode";
    public const string FetchCrimes = "fetch-crimes";
    public const string UnsupportedPostcodes = "unsupported-postcode-recorded";

    /// <summary>
    /// The replay lane of <see cref="FetchCrimes"/>: replayed dead letters are consumed here, by the same consumer with
    /// a small concurrency limit of its own, so a replay never takes the consumer slots live lookups need and never
    /// queues more than a couple of requests ahead of them at the police budget.
    /// </summary>
    public const string FetchCrimesReplay = "fetch-crimes-replay";

    public const string ErrorSuffix = "_error";

    public static readonly IReadOnlyList<string> All = [CrimeLookupSaga, GeocodePostcode, FetchCrimes, UnsupportedPostcodes, FetchCrimesReplay];

    public static string ErrorQueueOf(string queue) => queue + ErrorSuffix;

    /// <summary>Where a replayed dead letter of <paramref name="queue"/> goes: the replay lane for crimes, the queue itself otherwise.</summary>
    public static string ReplayTargetOf(string queue) => queue is FetchCrimes or FetchCrimesReplay ? FetchCrimesReplay : queue;
}
