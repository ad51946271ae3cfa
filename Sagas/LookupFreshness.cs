using EventDriven.Contracts;

namespace EventDriven.Sagas;

/// <summary>When a finished lookup still answers requests: shared by the saga (start a new attempt?) and the API (answer from the store?).</summary>
public static class LookupFreshness
{
    public static bool IsFresh(string status, DateTimeOffset? completedAt, LookupOptions options, DateTimeOffset now) => status switch
    {
        LookupStatus.Completed => completedAt is { } completed && now - completed <= options.ResultsFreshFor,
        // Answers about the postcode itself: postcodes.io learns of new postcodes and points with each ONSPD release.
        LookupStatus.NotFound or LookupStatus.NoLocation => completedAt is { } completed && now - completed <= options.NotFoundFreshFor,
        // Scotland does not join data.police.uk over time.
        LookupStatus.Unsupported => true,
        _ => false,
    };
}
