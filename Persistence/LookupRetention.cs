using EventDriven.Contracts;

namespace EventDriven.Persistence;

/// <summary>
/// How long the stores keep what they hold, the same in both: DynamoDB by its TTL attribute, the in-memory stores by
/// their retention sweep (which also holds them to a size cap).
/// </summary>
public static class LookupRetention
{
    /// <summary>A stored result, from when it was fetched.</summary>
    public static readonly TimeSpan Results = TimeSpan.FromDays(100);

    /// <summary>
    /// How long a finished instance is kept after its last change. Well past <see cref="Sagas.LookupOptions.ResultsFreshFor"/> and
    /// <see cref="Sagas.LookupOptions.NotFoundFreshFor"/> (at most 90 days), so an instance is never dropped while its answer stands
    /// and the operator can still inspect recent failures. Unsupported is kept forever (null): the Scottish registry
    /// function reads those instances, and its counts must not shrink when instances vanish. Instances in progress too.
    /// </summary>
    public static TimeSpan? ForState(string state) => state switch
    {
        LookupStatus.Completed => TimeSpan.FromDays(100),
        LookupStatus.NotFound => TimeSpan.FromDays(100),
        LookupStatus.NoLocation => TimeSpan.FromDays(100),
        LookupStatus.Failed => TimeSpan.FromDays(30),
        _ => null,
    };
}
