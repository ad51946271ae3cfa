using EventDriven.Contracts;

namespace EventDriven.Sagas;

/// <summary>When a finished lookup still answers requests: shared by the saga (start a new attempt?) and the API (answer from the store?).</summary>
public static class LookupFreshness
{
    public static bool IsFresh(CrimeLookupState state, LookupOptions options, DateTimeOffset now) => state.CurrentState switch
    {
        LookupStatus.Completed => state.CompletedAt is { } completed && now - completed <= options.ResultsFreshFor,
        LookupStatus.NotFound => state.CompletedAt is { } completed && now - completed <= options.NotFoundFreshFor,
        // Scotland does not join data.police.uk over time.
        LookupStatus.Unsupported => true,
        _ => false,
    };
}
