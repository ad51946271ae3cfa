using System.Threading.RateLimiting;
using EventDriven.Contracts;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;
using Microsoft.Extensions.Logging;

namespace EventDriven.Hosting.Operations;

/// <summary>Which dead letters a replay (or a purge) takes: one queue's or all, one message, one failure group.</summary>
public sealed record ReplaySelection(string? Queue = null, string? MessageId = null, string? Group = null)
{
    public bool Matches(DeadLetterEntry entry) =>
        (MessageId is null || string.Equals(entry.MessageId, MessageId, StringComparison.OrdinalIgnoreCase)) &&
        (Group is null || string.Equals(FailureSignature.Of(entry).Id, Group, StringComparison.OrdinalIgnoreCase));

    public override string ToString()
    {
        var parts = new List<string> { Queue is null ? "every error queue" : QueueNames.ErrorQueueOf(Queue) };
        if (Group is not null)
        {
            parts.Add($"group {Group}");
        }

        if (MessageId is not null)
        {
            parts.Add($"message {MessageId}");
        }

        return string.Join(", ", parts);
    }
}

/// <summary>Timings of replays; the defaults are the production ones, tests shorten them.</summary>
public sealed class ReplaySettings
{
    /// <summary>How often a running replay writes its progress (and renews its lease).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a canary's lookups may take to show their outcome before the replay pauses for a person to look.</summary>
    public TimeSpan CanaryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan CanaryPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A replay publishes only while its target queue holds fewer waiting messages than this: it runs at most this far
    /// ahead of the consumers, so a pause or cancel takes effect within a few messages.
    /// </summary>
    public int MaxWaitingInTarget { get; init; } = 10;

    /// <summary>How often an API process looks for replays nobody drives (new ones, or ones whose driver died).</summary>
    public TimeSpan PickUpInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Drives replay jobs: takes the selected dead letters one at a time, paced by a token bucket at the job's rate,
/// publishes each to its queue (crimes to their replay lane) with a broker confirm, notes it in the ledger and only then
/// removes it from the error queue. A dead letter the ledger already knows (same message, same fault) is removed without
/// being published again. Progress goes to the store every second with the driver's lease, so pause, resume and cancel
/// work from any process, and another process takes over a replay whose driver died. With a canary, the first N are
/// replayed alone and the rest follow only when none of those failed again.
/// </summary>
public sealed partial class ReplayRunner(
    IDeadLetterService deadLetters,
    IDeadLetterSessions sessions,
    IReplayJobStore jobs,
    ILookupHistory history,
    ILookupStateReader states,
    IAuditTrail audit,
    ReplaySettings settings,
    TimeProvider time,
    ILogger<ReplayRunner> logger)
{
    private TimeProvider Clock => time;
    private IDeadLetterSessions Sessions => sessions;
    private ReplaySettings Settings => settings;
    private IReplayJobStore Jobs => jobs;
    private ILookupHistory History => history;
    private ILogger Logger => logger;

    /// <summary>This process as a replay driver (lease owner).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];

    /// <summary>Counts the matching dead letters and stores a new job (Running, nobody driving it yet); audited.</summary>
    /// <exception cref="ArgumentException">A bad queue, rate or canary.</exception>
    public async Task<ReplayJob> CreateAsync(ReplaySelection selection, double rate, int? canary, string who, CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(rate) || rate < ReplayLimits.MinRate || rate > ReplayLimits.MaxRate)
        {
            throw new ArgumentException($"The rate must be between {ReplayLimits.MinRate} and {ReplayLimits.MaxRate} messages per second (was {rate}).", nameof(rate));
        }

        if (canary is < 1)
        {
            throw new ArgumentException($"The canary (first N) must be 1 or more (was {canary}).", nameof(canary));
        }

        var listing = await deadLetters.ListAsync(selection.Queue, DeadLetterGroups.MaxPerQueue, cancellationToken).ConfigureAwait(false);
        var total = listing.Entries.Count(selection.Matches);
        var now = time.GetUtcNow();
        var job = new ReplayJob
        {
            Id = ReplayJob.NewId(now),
            Status = total == 0 ? ReplayJobStatus.Completed : ReplayJobStatus.Running,
            Queue = selection.Queue,
            MessageId = selection.MessageId,
            Group = selection.Group,
            Rate = rate,
            Canary = canary,
            Total = total,
            StartedBy = who,
            CreatedAt = now,
            UpdatedAt = now,
            FinishedAt = total == 0 ? now : null,
            Note = total == 0 ? "nothing matched" : null,
        };
        await jobs.CreateAsync(job, cancellationToken).ConfigureAwait(false);
        await AuditAsync(who, AuditActions.Replay, $"{job.Id}: {selection} at {rate:0.##}/s" + (canary is { } n ? $", canary {n}" : string.Empty),
            total, total == 0 ? "nothing to replay" : "started", cancellationToken).ConfigureAwait(false);
        return (await jobs.GetAsync(job.Id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Drives the job until it is done, paused, canceled or taken over, reporting progress after each message. Returns
    /// the job as it was left. A job someone else drives (a live lease) is returned as it is.
    /// </summary>
    /// <param name="onStop">What the job becomes when <paramref name="cancellationToken"/> stops this driver: Running (another process takes it over) or Paused.</param>
    public async Task<ReplayJob> RunAsync(string id, IProgress<ReplayJob>? progress = null, ReplayJobStatus onStop = ReplayJobStatus.Running, CancellationToken cancellationToken = default)
    {
        var job = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new ReplayJobNotFoundException(id);
        var leased = await AcquireAsync(job, cancellationToken).ConfigureAwait(false);
        if (leased is null)
        {
            return (await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false))!;
        }

        LogDriving(logger, id, leased.Done, leased.Total);
        var drive = new Drive(this, leased, progress);
        try
        {
            return await drive.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await HandBackAsync(drive.Job, onStop).ConfigureAwait(false);
            throw;
        }
        catch (DeadLettersUnavailableException e)
        {
            return await FinishAsync(drive.Job, ReplayJobStatus.Failed, e.Message, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task<ReplayJob> PauseAsync(string id, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, who, AuditActions.ReplayPause, cancellationToken, job => job.Status == ReplayJobStatus.Running
            ? job with { Status = ReplayJobStatus.Paused, Note = $"paused by {who}", Owner = null, LeaseUntil = null }
            : throw new ReplayConflictException($"Replay {id} is {job.Status}: only a running replay can be paused."));

    /// <summary>A paused replay runs again (past its canary, if that is what paused it); a running one whose driver died is offered for take-over.</summary>
    public Task<ReplayJob> ResumeAsync(string id, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, who, AuditActions.ReplayResume, cancellationToken, job => job.Status switch
        {
            ReplayJobStatus.Paused => job with
            {
                Status = ReplayJobStatus.Running, Owner = null, LeaseUntil = null, Note = null,
                CanaryPassed = job.CanaryPassed || job.CanaryDoneAt is not null,
            },
            ReplayJobStatus.Running when job.LeaseUntil is null || job.LeaseUntil < time.GetUtcNow() => job with { Owner = null, LeaseUntil = null },
            ReplayJobStatus.Running => throw new ReplayConflictException($"Replay {id} is running (driven by {job.Owner}); pause it first."),
            _ => throw new ReplayConflictException($"Replay {id} is {job.Status}: it cannot be resumed."),
        });

    public Task<ReplayJob> CancelAsync(string id, string who, CancellationToken cancellationToken = default) =>
        ChangeAsync(id, who, AuditActions.ReplayCancel, cancellationToken, job => job.Status is ReplayJobStatus.Running or ReplayJobStatus.Paused
            ? job with { Status = ReplayJobStatus.Canceled, Note = $"canceled by {who}", Owner = null, LeaseUntil = null, FinishedAt = time.GetUtcNow() }
            : throw new ReplayConflictException($"Replay {id} is {job.Status}: it cannot be canceled."));

    private async Task<ReplayJob> ChangeAsync(string id, string who, string action, CancellationToken cancellationToken, Func<ReplayJob, ReplayJob> change)
    {
        while (true)
        {
            var job = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new ReplayJobNotFoundException(id);
            var written = await jobs.TryUpdateAsync(change(job) with { UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                await AuditAsync(who, action, id, written.Done, $"{written.Status} at {written.Done} of {written.Total}", cancellationToken).ConfigureAwait(false);
                return written;
            }

            // The driver wrote its progress in between: read again and apply the change to that.
        }
    }

    private async Task<ReplayJob?> AcquireAsync(ReplayJob job, CancellationToken cancellationToken)
    {
        while (job.Status == ReplayJobStatus.Running && (job.Owner is null || job.Owner == Owner || job.LeaseUntil is null || job.LeaseUntil < time.GetUtcNow()))
        {
            var now = time.GetUtcNow();
            var written = await jobs.TryUpdateAsync(job with { Owner = Owner, LeaseUntil = now + ReplayLimits.Lease, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return written;
            }

            job = await jobs.GetAsync(job.Id, cancellationToken).ConfigureAwait(false) ?? throw new ReplayJobNotFoundException(job.Id);
        }

        return null;
    }

    /// <summary>Writes progress and renews the lease; returns the stored job, which says whether to go on (Running, ours).</summary>
    private async Task<ReplayJob> SaveAsync(ReplayJob job, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            var written = await jobs.TryUpdateAsync(job with { UpdatedAt = now, LeaseUntil = now + ReplayLimits.Lease }, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return written;
            }

            var stored = await jobs.GetAsync(job.Id, cancellationToken).ConfigureAwait(false) ?? throw new ReplayJobNotFoundException(job.Id);
            if (stored.Status == ReplayJobStatus.Running && stored.Owner is not null && stored.Owner != Owner)
            {
                // Taken over (our lease lapsed): the new driver counts from what it read; writing ours would undo its counts.
                return stored;
            }

            if (stored.Status != ReplayJobStatus.Running || stored.Owner != Owner)
            {
                // Paused, canceled or resumed: the operator's write wins; our progress up to here goes with it (read again
                // and merge again if yet another write came in between, so the progress is never dropped).
                var merged = stored with { Replayed = job.Replayed, Skipped = job.Skipped, CanaryLookups = job.CanaryLookups, CanaryDoneAt = job.CanaryDoneAt ?? stored.CanaryDoneAt };
                var mergedWritten = await jobs.TryUpdateAsync(merged, cancellationToken).ConfigureAwait(false);
                if (mergedWritten is not null)
                {
                    return mergedWritten;
                }

                continue;
            }

            job = stored with { Replayed = job.Replayed, Skipped = job.Skipped, CanaryLookups = job.CanaryLookups, CanaryDoneAt = job.CanaryDoneAt, CanaryPassed = job.CanaryPassed };
        }
    }

    private async Task<ReplayJob> FinishAsync(ReplayJob job, ReplayJobStatus status, string? note, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            var written = await jobs.TryUpdateAsync(job with { Status = status, Note = note, FinishedAt = now, UpdatedAt = now, Owner = null, LeaseUntil = null }, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                var outcome = $"{status.ToString().ToLowerInvariant()}: {written.Replayed} replayed, {written.Skipped} already replayed" + (note is null ? string.Empty : $" ({note})");
                await AuditAsync(written.StartedBy, AuditActions.Replay, written.Id, written.Replayed, outcome, cancellationToken).ConfigureAwait(false);
                LogFinished(logger, job.Id, outcome);
                return written;
            }

            var stored = await jobs.GetAsync(job.Id, cancellationToken).ConfigureAwait(false) ?? throw new ReplayJobNotFoundException(job.Id);
            if (stored.Status != ReplayJobStatus.Running)
            {
                return stored; // canceled or paused at the last moment: that stands
            }

            job = stored with { Replayed = job.Replayed, Skipped = job.Skipped };
        }
    }

    private async Task HandBackAsync(ReplayJob job, ReplayJobStatus onStop)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var stored = await SaveAsync(job, timeout.Token).ConfigureAwait(false);
            if (stored.Status == ReplayJobStatus.Running && stored.Owner == Owner)
            {
                await jobs.TryUpdateAsync(stored with
                {
                    Status = onStop,
                    Owner = null,
                    LeaseUntil = null,
                    Note = onStop == ReplayJobStatus.Paused ? "paused: its driver was stopped" : null,
                }, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The lease lapses by itself; another process takes over then.
            LogHandBackFailed(logger, job.Id, e.Message);
        }
    }

    private async Task AuditAsync(string who, string action, string what, int count, string outcome, CancellationToken cancellationToken) =>
        await audit.RecordAsync(new AuditRecord(AuditRecord.NewId(time.GetUtcNow()), time.GetUtcNow(), who, action, what, count, outcome), cancellationToken).ConfigureAwait(false);

    /// <summary>One driving of one job.</summary>
    private sealed class Drive(ReplayRunner runner, ReplayJob job, IProgress<ReplayJob>? progress)
    {
        private DateTimeOffset _lastSave = runner.Clock.GetUtcNow();
        private DateTimeOffset _lastRoomCheck = DateTimeOffset.MinValue;

        public ReplayJob Job { get; private set; } = job;

        public async Task<ReplayJob> RunAsync(CancellationToken cancellationToken)
        {
            var selection = new ReplaySelection(Job.Queue, Job.MessageId, Job.Group);
            using var pace = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                // One message per period, no burst: the rate is a ceiling at every moment, as SQS redrive's velocity is.
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1 / Job.Rate),
                QueueLimit = 1,
                AutoReplenishment = true,
            });
            await using var session = await runner.Sessions.OpenAsync(cancellationToken).ConfigureAwait(false);
            foreach (var queue in DeadLetterQueues.Select(Job.Queue))
            {
                while (Job.Done < Job.Total)
                {
                    if (Job.Canary is { } canary && !Job.CanaryPassed && Job.Replayed >= canary && Job.Replayed < Job.Total)
                    {
                        await session.ReleaseAsync(cancellationToken).ConfigureAwait(false);
                        Job = await runner.CheckCanaryAsync(Job, cancellationToken).ConfigureAwait(false);
                        progress?.Report(Job);
                        if (!IsOurs(Job))
                        {
                            return Job;
                        }
                    }

                    var letter = await session.TakeAsync(queue, cancellationToken).ConfigureAwait(false);
                    if (letter is null)
                    {
                        break;
                    }

                    if (!selection.Matches(letter.Entry))
                    {
                        continue; // held until the session ends, so the next take moves on
                    }

                    using (var permit = await pace.AcquireAsync(1, cancellationToken).ConfigureAwait(false))
                    {
                        await WaitForRoomAsync(session, QueueNames.ReplayTargetOf(queue), cancellationToken).ConfigureAwait(false);
                        await ReplayOneAsync(session, letter, cancellationToken).ConfigureAwait(false);
                    }

                    progress?.Report(Job);
                    if (runner.Clock.GetUtcNow() - _lastSave >= runner.Settings.ProgressInterval)
                    {
                        Job = await runner.SaveAsync(Job, cancellationToken).ConfigureAwait(false);
                        _lastSave = runner.Clock.GetUtcNow();
                        if (!IsOurs(Job))
                        {
                            progress?.Report(Job);
                            return Job;
                        }
                    }
                }
            }

            Job = await runner.SaveAsync(Job, cancellationToken).ConfigureAwait(false);
            if (!IsOurs(Job))
            {
                return Job;
            }

            var missing = Job.Total - Job.Done;
            Job = await runner.FinishAsync(Job, ReplayJobStatus.Completed,
                missing > 0 ? $"{missing} of the matching dead letters were gone (replayed, purged or expired elsewhere)" : null, cancellationToken).ConfigureAwait(false);
            progress?.Report(Job);
            return Job;
        }

        private bool IsOurs(ReplayJob job) => job.Status == ReplayJobStatus.Running && job.Owner == runner.Owner;

        private async Task ReplayOneAsync(IDeadLetterSession session, HeldDeadLetter letter, CancellationToken cancellationToken)
        {
            var messageId = letter.Entry.MessageId;
            // The time it went back, taken before publishing: its consumer may answer before this method returns.
            var at = runner.Clock.GetUtcNow();
            if (messageId is not null && await runner.Jobs.WasReplayedAsync(messageId, letter.FaultStamp, cancellationToken).ConfigureAwait(false))
            {
                // Published before, then the driver died before removing it: publishing again would only duplicate it.
                await session.AckAsync(letter, cancellationToken).ConfigureAwait(false);
                Job = Job with { Skipped = Job.Skipped + 1 };
                await NoteAsync(letter, at, "skipped: replayed before (same message, same fault)", cancellationToken).ConfigureAwait(false);
                return;
            }

            // Publish (confirmed), note it in the ledger, THEN remove it: a crash in between leaves a copy the ledger knows.
            await session.PublishAsync(letter, Job.Id, cancellationToken).ConfigureAwait(false);
            if (messageId is not null)
            {
                await runner.Jobs.MarkReplayedAsync(messageId, letter.FaultStamp, Job.Id, cancellationToken).ConfigureAwait(false);
            }

            await session.AckAsync(letter, cancellationToken).ConfigureAwait(false);
            var inCanary = Job.Canary is { } canary && !Job.CanaryPassed && Job.Replayed < canary && letter.Entry.CorrelationId is not null;
            Job = Job with
            {
                Replayed = Job.Replayed + 1,
                CanaryLookups = inCanary ? [.. Job.CanaryLookups, letter.Entry.CorrelationId!.Value] : Job.CanaryLookups,
            };
            await NoteAsync(letter, at, "replayed", cancellationToken).ConfigureAwait(false);
        }

        private async Task NoteAsync(HeldDeadLetter letter, DateTimeOffset at, string outcome, CancellationToken cancellationToken)
        {
            if (letter.Entry.CorrelationId is not { } lookupId)
            {
                return;
            }

            var entry = new ReplayedEntry(at, letter.Entry.Queue, letter.Entry.MessageId,
                QueueNames.ReplayTargetOf(letter.Entry.Queue), Job.Id, Job.StartedBy, outcome);
            try
            {
                await runner.History.AppendAsync(lookupId, entry, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNotRecorded(runner.Logger, lookupId, e.Message);
            }
        }

        /// <summary>Publishes only while the target holds fewer than <see cref="ReplaySettings.MaxWaitingInTarget"/> waiting messages.</summary>
        private async Task WaitForRoomAsync(IDeadLetterSession session, string target, CancellationToken cancellationToken)
        {
            // Looked at every quarter second at most: between looks the pace bounds what is published.
            while (runner.Clock.GetUtcNow() - _lastRoomCheck >= TimeSpan.FromMilliseconds(250))
            {
                var waiting = await session.WaitingAsync(target, cancellationToken).ConfigureAwait(false);
                _lastRoomCheck = runner.Clock.GetUtcNow();
                if (waiting < runner.Settings.MaxWaitingInTarget)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), runner.Clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits for the canary's lookups to show an outcome: each either got past where it failed (a finished state other
    /// than Failed) or failed again (dead-lettered after its replay). Any failure, or no outcome within
    /// <see cref="ReplaySettings.CanaryTimeout"/>, pauses the replay with the reason; otherwise the rest follows.
    /// </summary>
    private async Task<ReplayJob> CheckCanaryAsync(ReplayJob job, CancellationToken cancellationToken)
    {
        job = await SaveAsync(job with { CanaryDoneAt = job.CanaryDoneAt ?? time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        if (job.Status != ReplayJobStatus.Running || job.Owner != Owner)
        {
            return job;
        }

        var deadline = job.CanaryDoneAt!.Value + settings.CanaryTimeout;
        while (true)
        {
            int failed = 0, pending = 0;
            foreach (var lookupId in job.CanaryLookups.Distinct())
            {
                switch (await CanaryOutcomeAsync(lookupId, job.Id, cancellationToken).ConfigureAwait(false))
                {
                    case false:
                        failed++;
                        break;
                    case null:
                        pending++;
                        break;
                }
            }

            var total = job.CanaryLookups.Distinct().Count();
            if (failed > 0 || (pending > 0 && time.GetUtcNow() >= deadline))
            {
                var note = failed > 0
                    ? $"canary: {failed} of {total} failed again (see dead-letters groups); resume to replay the rest anyway, or cancel"
                    : $"canary: {pending} of {total} showed no outcome within {settings.CanaryTimeout.TotalSeconds:0} s; resume to replay the rest anyway, or cancel";
                var paused = await jobs.TryUpdateAsync(job with { Status = ReplayJobStatus.Paused, Note = note, Owner = null, LeaseUntil = null, UpdatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
                await AuditAsync(job.StartedBy, AuditActions.ReplayPause, job.Id, job.Done, note, cancellationToken).ConfigureAwait(false);
                return paused ?? (await jobs.GetAsync(job.Id, cancellationToken).ConfigureAwait(false))!;
            }

            if (pending == 0)
            {
                return await SaveAsync(job with { CanaryPassed = true }, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(settings.CanaryPoll, time, cancellationToken).ConfigureAwait(false);
            job = await SaveAsync(job, cancellationToken).ConfigureAwait(false); // keep the lease, and notice a pause or cancel
            if (job.Status != ReplayJobStatus.Running || job.Owner != Owner)
            {
                return job;
            }
        }
    }

    /// <summary>True: got past its failure; false: failed again; null: no outcome yet.</summary>
    private async Task<bool?> CanaryOutcomeAsync(Guid lookupId, string replayId, CancellationToken cancellationToken)
    {
        var entries = await history.ReadAsync(lookupId, cancellationToken).ConfigureAwait(false);
        var replayedAt = entries.OfType<ReplayedEntry>().LastOrDefault(e => e.ReplayId == replayId)?.At;
        if (replayedAt is { } at && entries.OfType<DeadLetteredEntry>().Any(e => e.At >= at))
        {
            return false;
        }

        var lookup = await states.GetAsync(lookupId, cancellationToken).ConfigureAwait(false);
        return lookup is null || lookup.Status is LookupStatus.Completed or LookupStatus.NotFound or LookupStatus.Unsupported ? true : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Driving replay {ReplayId} from {Done} of {Total}")]
    private static partial void LogDriving(ILogger logger, string replayId, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replay {ReplayId} {Outcome}")]
    private static partial void LogFinished(ILogger logger, string replayId, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replay {ReplayId} could not be handed back (its lease will lapse): {Reason}")]
    private static partial void LogHandBackFailed(ILogger logger, string replayId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A replay of lookup {LookupId} was not recorded in its history: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, Guid lookupId, string reason);
}

public sealed class ReplayJobNotFoundException(string id) : Exception($"No replay has the id {id}.");

/// <summary>The replay is not in a state the change applies to (the message says which).</summary>
public sealed class ReplayConflictException(string message) : Exception(message);
