using System.Globalization;
using EventDriven.Contracts;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using EventDriven.Sagas;

namespace EventDriven.Hosting.Operations;

/// <summary>
/// Lookups in progress (Geocoding, FetchingCrimes) whose attempt has made no progress for a while, stalest first, each
/// with the cause its history shows (what it waits for, what its upstream calls answered, whether its command is in an
/// error queue) and the action that fixes it: replay the dead-lettered command, or re-drive the lookup.
/// </summary>
public sealed class StuckLookups(ILookupStateReader states, ILookupHistory history, IDeadLetterService deadLetters, TimeProvider time)
{
    /// <summary>Lookups in progress looked at per state (the newest first); beyond this the answer says it is incomplete.</summary>
    public const int MaxScanned = 5000;

    public const int MaxListed = 500;

    public async Task<StuckLookupReport> FindAsync(TimeSpan olderThan, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var now = time.GetUtcNow();
        var cutoff = now - olderThan;
        var candidates = new List<LookupSnapshot>();
        var complete = true;
        foreach (var state in new[] { LookupStatus.Geocoding, LookupStatus.FetchingCrimes })
        {
            string? pageToken = null;
            var scanned = 0;
            do
            {
                var page = await states.ListByStateAsync(state, 500, pageToken, cancellationToken: cancellationToken).ConfigureAwait(false);
                scanned += page.Items.Count;
                candidates.AddRange(page.Items.Where(l => StuckSince(l) <= cutoff));
                pageToken = page.NextPageToken;
            }
            while (pageToken is not null && scanned < MaxScanned);

            complete &= pageToken is null;
        }

        var stuck = candidates.OrderBy(StuckSince).ThenBy(l => l.LookupId).Take(limit).ToList();
        string? deadLettersNote = null;
        var deadByLookup = new Dictionary<Guid, List<DeadLetterEntry>>();
        if (stuck.Count > 0)
        {
            try
            {
                var listing = await deadLetters.ListAsync(queue: null, DeadLetterGroups.MaxPerQueue, cancellationToken).ConfigureAwait(false);
                foreach (var entry in listing.Entries.Where(e => e.CorrelationId is not null))
                {
                    if (!deadByLookup.TryGetValue(entry.CorrelationId!.Value, out var list))
                    {
                        deadByLookup[entry.CorrelationId!.Value] = list = [];
                    }

                    list.Add(entry);
                }
            }
            catch (DeadLettersUnavailableException e)
            {
                deadLettersNote = e.Message;
            }
        }

        var items = new List<StuckLookup>();
        foreach (var lookup in stuck)
        {
            var entries = (await history.ReadAsync(lookup.LookupId, cancellationToken).ConfigureAwait(false))
                .Where(e => LookupHistoryLimits.BelongsTo(e, lookup.CreatedAt)).ToList();
            items.Add(Explain(lookup, entries, deadByLookup.GetValueOrDefault(lookup.LookupId) ?? [], now));
        }

        return new StuckLookupReport(items, candidates.Count, complete, deadLettersNote);
    }

    /// <summary>The stuck clock of the saga itself: the attempt's start or its last re-send.</summary>
    public static DateTimeOffset StuckSince(LookupSnapshot lookup) => lookup.AttemptStartedAt ?? lookup.CreatedAt;

    internal static StuckLookup Explain(LookupSnapshot lookup, IReadOnlyList<LookupHistoryEntry> entries, IReadOnlyList<DeadLetterEntry> dead, DateTimeOffset now)
    {
        var since = StuckSince(lookup);
        var geocoding = lookup.Status == LookupStatus.Geocoding;
        var (awaited, command, upstreamName, upstream) = geocoding
            ? ("PostcodeGeocoded", "GeocodePostcode", "postcodes.io", "postcodes-io")
            : ("CrimesFetched", "FetchCrimes", "police", "police-api");
        var evidence = new List<string> { $"waiting for {awaited} since {Clock(since)}" };

        var calls = entries.OfType<UpstreamCallEntry>().Where(e => e.Upstream == upstream && e.At >= since - LookupHistoryLimits.ClockTolerance).ToList();
        if (calls.Count == 0)
        {
            evidence.Add($"no {upstreamName} call made for it since");
        }
        else
        {
            var last = calls[^1];
            var repeats = calls.AsEnumerable().Reverse().TakeWhile(c => c.Status == last.Status && c.Error == last.Error).Count();
            // When the answer (or the timeout) came, not when the call began: a timed-out call began seconds earlier.
            evidence.Add($"last {upstreamName} call {Outcome(last)}{(repeats > 1 ? $" x{repeats}" : string.Empty)} at {Clock(last.At.AddMilliseconds(last.DurationMs))}");
        }

        var deadCommand = dead.Where(d => d.MessageType == command).OrderByDescending(d => d.FaultedAt).FirstOrDefault() ?? dead.OrderByDescending(d => d.FaultedAt).FirstOrDefault();
        if (deadCommand is not null)
        {
            evidence.Add($"its command has been in {QueueNames.ErrorQueueOf(deadCommand.Queue)} since {(deadCommand.FaultedAt is { } at ? Clock(at) : "?")}" +
                         (deadCommand.FaultReason is { } reason ? $" ({reason})" : string.Empty));
        }
        else if (entries.OfType<ReplayedEntry>().LastOrDefault() is { } replayed && replayed.At >= since)
        {
            evidence.Add($"its command was replayed at {Clock(replayed.At)} by {replayed.By}");
        }
        else if (entries.OfType<DeadLetteredEntry>().LastOrDefault() is { } deadLettered && deadLettered.At >= since)
        {
            evidence.Add($"its command was dead-lettered at {Clock(deadLettered.At)} and is no longer in {deadLettered.ErrorQueue}");
        }

        var action = deadCommand is { MessageId: { } messageId }
            ? new StuckLookupAction(
                "replay",
                $"replay {deadCommand.MessageType} {messageId} from {QueueNames.ErrorQueueOf(deadCommand.Queue)}",
                "POST",
                $"/admin/dead-letters/replay?queue={Uri.EscapeDataString(deadCommand.Queue)}&messageId={Uri.EscapeDataString(messageId)}",
                $"eventdriven dead-letters replay --queue {deadCommand.Queue} --message-id {messageId}")
            : new StuckLookupAction(
                "redrive",
                $"re-drive it: send {command} again",
                "POST",
                $"/admin/lookups/{lookup.LookupId}/redrive",
                $"eventdriven lookups redrive {lookup.LookupId}");
        return new StuckLookup(lookup.LookupId, lookup.LookupKey, lookup.Status, since, Math.Round((now - since).TotalSeconds), string.Join("; ", evidence), evidence, action);
    }

    private static string Outcome(UpstreamCallEntry call) =>
        call.Status == 0 ? call.Error ?? "no answer" : call.Status.ToString(CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}

/// <param name="Candidates">Lookups stuck for longer than asked, before the limit.</param>
/// <param name="Complete">False when more lookups were in progress than <see cref="StuckLookups.MaxScanned"/> per state.</param>
/// <param name="DeadLettersNote">Why dead letters could not be looked at (embedded mode, broker away), or null.</param>
public sealed record StuckLookupReport(IReadOnlyList<StuckLookup> Items, int Candidates, bool Complete, string? DeadLettersNote);

/// <param name="StuckSince">The attempt's start or last re-send: the saga's own stuck clock.</param>
/// <param name="Cause">The evidence in one line.</param>
public sealed record StuckLookup(
    Guid LookupId,
    string LookupKey,
    string State,
    DateTimeOffset StuckSince,
    double StuckForSeconds,
    string Cause,
    IReadOnlyList<string> Evidence,
    StuckLookupAction Action);

/// <param name="Kind"><c>replay</c> or <c>redrive</c>.</param>
/// <param name="Href">The admin API call that does it.</param>
/// <param name="Cli">The operator CLI's command that does it.</param>
public sealed record StuckLookupAction(string Kind, string Description, string Method, string Href, string Cli);
