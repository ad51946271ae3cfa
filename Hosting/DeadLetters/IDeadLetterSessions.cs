namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// Dead letters one at a time, for work that decides per message and may take a while: paced replays, purges of a
/// failure group. A taken letter is held (invisible to everyone else) until it is published, acknowledged or handed
/// back; a session that ends, or a process that dies, hands back whatever it still holds.
/// </summary>
public interface IDeadLetterSessions
{
    /// <exception cref="DeadLettersUnavailableException">Embedded mode, or the broker cannot be reached.</exception>
    Task<IDeadLetterSession> OpenAsync(CancellationToken cancellationToken = default);
}

public interface IDeadLetterSession : IAsyncDisposable
{
    /// <summary>The next dead letter of <paramref name="queue"/> (from its error queue) this session has not taken yet; null when there is none.</summary>
    /// <param name="queue">One of <see cref="Contracts.QueueNames.All"/>.</param>
    Task<HeldDeadLetter?> TakeAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes the letter to <see cref="Contracts.QueueNames.ReplayTargetOf"/> its queue, with a broker confirm, keeping its
    /// message id, correlation id and headers, without the fault headers, marked with <paramref name="replayId"/>. It stays
    /// held: <see cref="AckAsync"/> removes it from the error queue once the caller has noted the replay.
    /// </summary>
    /// <exception cref="DeadLettersUnavailableException">The broker did not take it (it stays in the error queue).</exception>
    Task PublishAsync(HeldDeadLetter letter, string? replayId, CancellationToken cancellationToken = default);

    /// <summary>Removes the letter from its error queue (after a replay, or to purge it).</summary>
    Task AckAsync(HeldDeadLetter letter, CancellationToken cancellationToken = default);

    /// <summary>Hands back every letter still held, in its place.</summary>
    Task ReleaseAsync(CancellationToken cancellationToken = default);

    /// <summary>Messages waiting (not yet handed to a consumer) in <paramref name="queue"/> itself: how far a replay runs ahead of its consumers.</summary>
    Task<long> WaitingAsync(string queue, CancellationToken cancellationToken = default);
}

/// <param name="FaultStamp">
/// What identifies this dead-lettering of the message (the fault's time stamp): a message that fails again after its
/// replay is a new dead letter with a new stamp, the same copy found again after a crash is not.
/// </param>
public sealed record HeldDeadLetter(DeadLetterEntry Entry, string FaultStamp)
{
    internal ulong DeliveryTag { get; init; }

    internal object? Raw { get; init; }
}

/// <summary>The header a replayed message carries: the replay (job id) that put it back.</summary>
public static class ReplayHeaders
{
    public const string ReplayId = "EventDriven-Replay-Id";
}
