using EventDriven.Contracts;
using EventDriven.Sagas;
using MassTransit;
using MassTransit.Saga;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// Keeps the embedded mode's memory bounded, every <see cref="InMemoryStoreOptions.SweepInterval"/>:
/// <list type="bullet">
/// <item>finished lookups past their retention go, as DynamoDB's TTL drops them (<see cref="LookupRetention.ForState"/>);</item>
/// <item>past <see cref="InMemoryStoreOptions.MaxLookups"/> lookups or <see cref="InMemoryStoreOptions.MaxResultMegabytes"/> of
/// results, finished lookups go least recently updated first, each with its results, down to 90 % of the caps (so a
/// sweep is not due again at once). A lookup in progress is never evicted;</item>
/// <item>results past their retention go; the unsupported-postcode registry keeps its most recently seen postcodes.</item>
/// </list>
/// An instance is evicted as MassTransit removes a finished saga: under the repository's lock, then the instance's own
/// (so no consumer holds it), and only if it is still eligible. A request that found the instance just before (and waits
/// for its lock) then works on the removed copy and its effect is lost; the next request for the key starts a new
/// lookup. Only long-idle finished instances are evicted, where that is rare and harmless.
/// </summary>
public sealed partial class InMemoryStoreRetention(
    IndexedSagaDictionary<CrimeLookupState> sagas,
    InMemoryLookupResultStore results,
    InMemoryUnsupportedPostcodeRegistry registry,
    IOptions<PersistenceOptions> options,
    TimeProvider time,
    ILogger<InMemoryStoreRetention> logger) : BackgroundService
{
    /// <summary>How long eviction waits for a consumer to let go of an instance before leaving it for the next sweep.</summary>
    private static readonly TimeSpan InstanceLockWait = TimeSpan.FromSeconds(1);

    /// <summary>What one sweep did, for the log and the tests.</summary>
    public sealed record SweepReport(int Expired, int Evicted, int ResultsExpired, int PostcodesDropped, int Lookups, long ResultBytes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.InMemory.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var report = await SweepAsync(stoppingToken).ConfigureAwait(false);
                if (report.Expired + report.Evicted + report.ResultsExpired + report.PostcodesDropped > 0)
                {
                    LogSwept(logger, report.Expired, report.Evicted, report.ResultsExpired, report.PostcodesDropped, report.Lookups, report.ResultBytes / (1024 * 1024));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e.Message);
            }
        }
    }

    public async Task<SweepReport> SweepAsync(CancellationToken cancellationToken)
    {
        var limits = options.Value.InMemory;
        var now = time.GetUtcNow();
        var maxResultBytes = limits.MaxResultMegabytes * 1024L * 1024L;

        // Candidates from a copy of the index, read without the instances' locks; each is checked again under its lock.
        var finished = sagas.Where(new FinishedQuery())
            .Select(i => (Id: i.Instance.CorrelationId, i.Instance.CurrentState, i.Instance.UpdatedAt))
            .OrderBy(i => i.UpdatedAt)
            .ToList();

        var expired = 0;
        var evicted = 0;
        foreach (var candidate in finished)
        {
            var isExpired = IsExpired(candidate.CurrentState, candidate.UpdatedAt, now);
            var overCap = sagas.Count > limits.MaxLookups || results.Bytes > maxResultBytes ||
                          (evicted > 0 && (sagas.Count > limits.MaxLookups * 9L / 10 || results.Bytes > maxResultBytes * 9 / 10));
            if (!isExpired && !overCap)
            {
                continue;
            }

            if (await TryEvictAsync(candidate.Id, candidate.UpdatedAt, cancellationToken).ConfigureAwait(false))
            {
                if (isExpired)
                {
                    expired++;
                }
                else
                {
                    evicted++;
                }
            }
        }

        var resultsExpired = results.RemoveExpired(now);
        var postcodesDropped = registry.TrimTo(limits.MaxLookups);
        return new SweepReport(expired, evicted, resultsExpired, postcodesDropped, sagas.Count, results.Bytes);
    }

    private static bool IsExpired(string state, DateTimeOffset updatedAt, DateTimeOffset now) =>
        LookupRetention.ForState(state) is { } retention && now - updatedAt > retention;

    /// <summary>Removes the instance if it is still finished and unchanged since it was picked, with its results.</summary>
    private async Task<bool> TryEvictAsync(Guid id, DateTimeOffset pickedAt, CancellationToken cancellationToken)
    {
        string? lookupKey;
        // The repository's lock first: no consumer can look the instance up while it goes. Consumers never wait for the
        // repository's lock while holding an instance's, so waiting for the instance's here cannot deadlock.
        await sagas.MarkInUse(cancellationToken).ConfigureAwait(false);
        try
        {
            var instance = sagas[id];
            if (instance is null || instance.IsRemoved)
            {
                return false;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(InstanceLockWait);
            try
            {
                await instance.MarkInUse(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false; // busy: a message is being applied to it, so it is not idle anyway
            }
            catch (InvalidOperationException)
            {
                return false; // removed meanwhile
            }

            var saga = instance.Instance;
            if (!LookupStatus.IsTerminal(saga.CurrentState) || saga.UpdatedAt != pickedAt)
            {
                instance.Release();
                return false;
            }

            lookupKey = saga.LookupKey;
            sagas.Remove(instance);
            instance.Remove(); // marks it removed and lets go of its lock
        }
        finally
        {
            sagas.Release();
        }

        results.Remove(lookupKey);
        return true;
    }

    private sealed class FinishedQuery : ISagaQuery<CrimeLookupState>
    {
        public System.Linq.Expressions.Expression<Func<CrimeLookupState, bool>> FilterExpression { get; } =
            x => x.CurrentState == LookupStatus.Completed || x.CurrentState == LookupStatus.NotFound ||
                 x.CurrentState == LookupStatus.Failed || x.CurrentState == LookupStatus.Unsupported;

        public Func<CrimeLookupState, bool> GetFilter() => x => LookupStatus.IsTerminal(x.CurrentState);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "In-memory stores: {Expired} lookups expired, {Evicted} evicted over the caps, {ResultsExpired} results expired, {PostcodesDropped} unsupported postcodes dropped; {Lookups} lookups and about {ResultMegabytes} MB of results kept")]
    private static partial void LogSwept(ILogger logger, int expired, int evicted, int resultsExpired, int postcodesDropped, int lookups, long resultMegabytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "In-memory stores: a retention sweep failed, the next one retries: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
