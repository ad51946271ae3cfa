using System.Text.Json.Serialization;

namespace EventDriven.Persistence.Operations;

/// <summary>
/// Replay jobs and the replay ledger. A job's progress is written as it goes, so a replay survives the process driving
/// it: another process (an API instance, or the CLI's <c>resume</c>) takes it over once its lease lapses. Every write
/// is conditional on the version read, so two processes never both think they drive a job, and an operator's pause or
/// cancel is never lost under a progress write.
/// </summary>
public interface IReplayJobStore
{
    /// <exception cref="InvalidOperationException">A job with this id exists.</exception>
    Task CreateAsync(ReplayJob job, CancellationToken cancellationToken = default);

    Task<ReplayJob?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The newest jobs first.</summary>
    Task<IReadOnlyList<ReplayJob>> ListAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="job"/> if the stored version is still <c>job.Version</c>; returns it with the new version, or null when someone else wrote first.</summary>
    Task<ReplayJob?> TryUpdateAsync(ReplayJob job, CancellationToken cancellationToken = default);

    /// <summary>Whether this dead letter (message id, and the fault that put it in the error queue) was replayed already.</summary>
    Task<bool> WasReplayedAsync(string messageId, string faultStamp, CancellationToken cancellationToken = default);

    Task MarkReplayedAsync(string messageId, string faultStamp, string jobId, CancellationToken cancellationToken = default);
}

[JsonConverter(typeof(JsonStringEnumConverter<ReplayJobStatus>))]
public enum ReplayJobStatus
{
    /// <summary>Being replayed, or waiting for a process to take it over.</summary>
    Running,
    Paused,
    Canceled,
    Completed,

    /// <summary>Stopped by an error (the broker refused a message); <see cref="ReplayJob.Note"/> says which.</summary>
    Failed,
}

/// <summary>
/// One replay: which dead letters (queue, message id, failure group), how fast, a canary of the first few, and how far
/// it got. <see cref="Owner"/> and <see cref="LeaseUntil"/> say which process drives it.
/// </summary>
public sealed record ReplayJob
{
    public required string Id { get; init; }
    public required ReplayJobStatus Status { get; init; }

    /// <summary>Only this queue's dead letters (its error queue), or all queues.</summary>
    public string? Queue { get; init; }

    public string? MessageId { get; init; }

    /// <summary>Only this failure group (<c>GET /admin/dead-letters/groups</c>).</summary>
    public string? Group { get; init; }

    /// <summary>Messages per second the replay publishes at most.</summary>
    public required double Rate { get; init; }

    /// <summary>Replay this many first, wait for their outcome, and go on only if none failed again.</summary>
    public int? Canary { get; init; }

    /// <summary>The lookups of the canary's messages, and when the canary was done; set once it is.</summary>
    public IReadOnlyList<Guid> CanaryLookups { get; init; } = [];

    public DateTimeOffset? CanaryDoneAt { get; init; }

    public bool CanaryPassed { get; init; }

    /// <summary>Matching dead letters when the job was created: what the progress bar counts towards.</summary>
    public required int Total { get; init; }

    public int Replayed { get; init; }

    /// <summary>Already replayed before (the ledger knew them): acknowledged, not published again.</summary>
    public int Skipped { get; init; }

    public required string StartedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it paused, failed or finished early, in words.</summary>
    public string? Note { get; init; }

    public string? Owner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    public int Version { get; init; }

    [JsonIgnore]
    public int Done => Replayed + Skipped;

    [JsonIgnore]
    public bool IsFinished => Status is ReplayJobStatus.Completed or ReplayJobStatus.Canceled or ReplayJobStatus.Failed;

    public static string NewId(DateTimeOffset at) => $"r-{at.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..24];
}

public static class ReplayLimits
{
    /// <summary>A driver that has not renewed its lease for this long is presumed gone; another may take the job over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>How long a finished job and a ledger entry are kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public const double MinRate = 0.1;
    public const double MaxRate = 200;
    public const double DefaultRate = 5;

    /// <summary>Jobs an in-memory store keeps (embedded mode).</summary>
    public const int InMemoryJobs = 1000;
}
