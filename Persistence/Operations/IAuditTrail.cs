namespace EventDriven.Persistence.Operations;

/// <summary>
/// Every operator action (replay, re-drive, purge, pause/resume/cancel of a replay): who, when, what, how many, outcome.
/// In memory in embedded mode; in the shared store (DynamoDB table <c>operations</c>) in distributed mode, so every API
/// instance and the CLI write to and read the same trail. Records are kept <see cref="AuditLimits.Retention"/>.
/// </summary>
public interface IAuditTrail
{
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    /// <param name="pageToken">Opaque token from the previous page, or null for the first.</param>
    /// <exception cref="ArgumentException">The page token is not one this store issued.</exception>
    Task<AuditPage> ListAsync(int limit, string? pageToken = null, CancellationToken cancellationToken = default);
}

/// <param name="Id">Unique; time-ordered (see <see cref="AuditRecord.NewId"/>).</param>
/// <param name="Who">The admin key's name (<c>Admin__Keys__alice</c> → <c>alice</c>), <see cref="OperatorNames.UnnamedKey"/>, or <c>cli:user@host</c>.</param>
/// <param name="Action">One of <see cref="AuditActions"/>.</param>
/// <param name="What">What it was done to: a lookup, a queue, a failure group, a replay.</param>
/// <param name="Count">How many messages or lookups it touched.</param>
/// <param name="Outcome">What happened: <c>succeeded</c>, <c>failed: …</c>, <c>started</c>, …</param>
public sealed record AuditRecord(string Id, DateTimeOffset At, string Who, string Action, string What, int Count, string Outcome)
{
    public static string NewId(DateTimeOffset at) => $"{at.UtcDateTime:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}"[..26];
}

public sealed record AuditPage(IReadOnlyList<AuditRecord> Items, string? NextPageToken);

/// <summary>The audited actions, defined once.</summary>
public static class AuditActions
{
    public const string Replay = "replay";
    public const string ReplayPause = "replay-pause";
    public const string ReplayResume = "replay-resume";
    public const string ReplayCancel = "replay-cancel";
    public const string Redrive = "redrive";
    public const string Purge = "purge";
}

/// <summary>How operators are named in the audit trail and the history.</summary>
public static class OperatorNames
{
    /// <summary>The operator who used the single <c>Admin__ApiKey</c> (it has no name; named keys are <c>Admin__Keys__NAME</c>).</summary>
    public const string UnnamedKey = "(Admin__ApiKey)";

    /// <summary>The operator CLI's user: it talks to the stores and the broker directly, with the OS user's access.</summary>
    public static string Cli() => $"cli:{Environment.UserName}@{Environment.MachineName}";
}

public static class AuditLimits
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(365);

    /// <summary>Records an in-memory trail keeps (embedded mode); the oldest go first.</summary>
    public const int InMemoryRecords = 10_000;

    public const int MaxPageSize = 1000;
}
