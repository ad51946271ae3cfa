using System.Diagnostics;
using EventDriven.Contracts.Police;
using EventDriven.Persistence;
using EventDriven.Sagas;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Publication;

/// <summary>
/// Keeps the fleet's one record of what data.police.uk has published (<see cref="PolicePublication"/>) current, at the
/// least cost to the shared police budget: one process per <see cref="LookupOptions.PublicationCheckInterval"/> (the
/// one whose claim in the shared store wins) asks <c>/crime-last-updated</c>; only when that moved (or once a day) it
/// lists the months and the categories again. Every other process reads the record.
/// </summary>
/// <remarks>
/// The police client is resolved per check from a scope: a typed HTTP client held by a singleton would keep one handler
/// for ever (no DNS refresh), and building it (its resilience pipeline reads the validated upstream options) must not
/// happen while the host is still being built.
/// </remarks>
public sealed partial class PolicePublications(
    IServiceScopeFactory scopes,
    IPolicePublicationStore store,
    TimeProvider time,
    IOptions<LookupOptions> options,
    ILogger<PolicePublications> logger)
{
    /// <summary>The months and categories are listed again at least this often, even when <c>crime-last-updated</c> stands still.</summary>
    public static readonly TimeSpan RelistAfter = TimeSpan.FromDays(1);

    /// <summary>How long a process that claimed the first-ever check may take before another may claim it.</summary>
    public static readonly TimeSpan FirstCheckLease = TimeSpan.FromSeconds(30);

    /// <summary>How often a process waiting for another's first-ever check looks for its record.</summary>
    private static readonly TimeSpan FirstCheckPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The publication the crimes worker fetches under. On a store nobody has filled yet (a new deployment), the first
    /// caller checks at once; the others wait for its record (a check is three police calls, seconds on a slow police
    /// API: failing at once would spend the message's retries and fail the lookup). One that still finds no record after
    /// <see cref="FirstCheckLease"/> fails, and its message is retried.
    /// </summary>
    public async Task<PolicePublication> GetAsync(CancellationToken cancellationToken)
    {
        // Real time, not the service clock: this is how long a message waits here, whatever the clock says.
        var waiting = Stopwatch.StartNew();
        while (true)
        {
            if (await store.GetAsync(cancellationToken).ConfigureAwait(false) is { } current)
            {
                return current;
            }

            var now = time.GetUtcNow();
            if (await store.TryClaimCheckAsync(now, now - FirstCheckLease, cancellationToken).ConfigureAwait(false))
            {
                return await CheckAsync(current: null, now, cancellationToken).ConfigureAwait(false);
            }

            if (waiting.Elapsed >= FirstCheckLease)
            {
                throw new PublicationUnknownException(
                    "Another process is reading what data.police.uk has published; the crimes are fetched once it has stored it.");
            }

            await Task.Delay(FirstCheckPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the police's publication when this process wins the claim for the interval; otherwise does nothing.</summary>
    /// <returns>The publication stored by this check, or null when another process holds the interval.</returns>
    public async Task<PolicePublication?> CheckIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // A little slack, so timers of different processes firing a moment early do not skip a whole interval.
        var interval = options.Value.PublicationCheckInterval;
        if (!await store.TryClaimCheckAsync(now, now - interval + (interval / 20), cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var current = await store.GetAsync(cancellationToken).ConfigureAwait(false);
        return await CheckAsync(current, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PolicePublication> CheckAsync(PolicePublication? current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var police = scope.ServiceProvider.GetRequiredService<PoliceApiClient>();
        var lastUpdated = await police.GetCrimeLastUpdatedAsync(cancellationToken).ConfigureAwait(false);
        if (current is not null && string.Equals(current.LastUpdated, lastUpdated, StringComparison.Ordinal) && now - current.ListedAt < RelistAfter)
        {
            var unchanged = current with { CheckedAt = now };
            await store.SaveAsync(unchanged, cancellationToken).ConfigureAwait(false);
            return unchanged;
        }

        var months = await police.GetMonthsAsync(cancellationToken).ConfigureAwait(false);
        var categories = await police.GetCategoriesAsync(months[0], cancellationToken).ConfigureAwait(false);
        var publication = new PolicePublication(lastUpdated, PolicePublication.DataUpdatedAfter(current, lastUpdated, months), months, categories, now, now);
        await store.SaveAsync(publication, cancellationToken).ConfigureAwait(false);
        if (!publication.SameDataAs(current))
        {
            LogPublished(logger, lastUpdated, publication.LatestMonth, months.Count, publication.DataUpdated,
                current?.LastUpdated ?? "(unknown)", current?.LatestMonth ?? "(unknown)");
        }

        return publication;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "data.police.uk published: crime-last-updated {LastUpdated}, newest month {LatestMonth} of {MonthCount}, data updated {DataUpdated} (was {PreviousLastUpdated}, {PreviousMonth})")]
    private static partial void LogPublished(
        ILogger logger, string lastUpdated, string latestMonth, int monthCount, string dataUpdated, string previousLastUpdated, string previousMonth);
}

/// <summary>Nobody has stored the police's publication yet, and another process is fetching it: try again shortly.</summary>
public sealed class PublicationUnknownException(string message) : Exception(message);
