using EventDriven.Persistence.History;
using MassTransit;

namespace EventDriven.Persistence.InMemory;

/// <summary>
/// History in embedded mode: per lookup the newest <see cref="LookupHistoryLimits.Transitions"/> transitions and
/// <see cref="LookupHistoryLimits.OtherEntries"/> other entries, for at most <see cref="MaxLookups"/> lookups (the
/// lookup written to longest ago is forgotten first). Gone when the process stops, like everything in embedded mode.
/// </summary>
public sealed class InMemoryLookupHistory : ILookupHistory
{
    /// <summary>Lookups whose history is kept; beyond this the least recently written is dropped, so memory stays bounded.</summary>
    public const int MaxLookups = 10_000;

    private readonly Dictionary<Guid, Log> _logs = [];
    private readonly LinkedList<Guid> _recency = new();
    private readonly Lock _lock = new();

    public Task AppendAsync(Guid lookupId, LookupHistoryEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            var log = Touch(lookupId);
            if (entry is TransitionEntry transition)
            {
                // The in-memory repository keeps no version: transitions are numbered per lookup instead.
                Add(log.Transitions, transition with { Version = ++log.TransitionCount }, LookupHistoryLimits.Transitions);
            }
            else
            {
                Add(log.Others, entry, LookupHistoryLimits.OtherEntries);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LookupHistoryEntry>> ReadAsync(Guid lookupId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_logs.TryGetValue(lookupId, out var log)
                ? LookupHistoryOrder.Chronological(log.Transitions.Concat(log.Others))
                : []);
        }
    }

    private Log Touch(Guid lookupId)
    {
        if (_logs.TryGetValue(lookupId, out var log))
        {
            _recency.Remove(log.Node);
            _recency.AddLast(log.Node);
            return log;
        }

        if (_logs.Count >= MaxLookups && _recency.First is { } oldest)
        {
            _recency.RemoveFirst();
            _logs.Remove(oldest.Value);
        }

        log = new Log(_recency.AddLast(lookupId));
        _logs[lookupId] = log;
        return log;
    }

    private static void Add<T>(Queue<T> queue, T entry, int limit)
    {
        queue.Enqueue(entry);
        while (queue.Count > limit)
        {
            queue.Dequeue();
        }
    }

    private sealed class Log(LinkedListNode<Guid> node)
    {
        public LinkedListNode<Guid> Node { get; } = node;
        public Queue<LookupHistoryEntry> Transitions { get; } = new();
        public Queue<LookupHistoryEntry> Others { get; } = new();
        public int TransitionCount { get; set; }
    }
}

/// <summary>Embedded mode: MassTransit's in-memory repository changes the instance in place and cannot lose a race, so a transition is appended as soon as the state machine has applied it.</summary>
public sealed class InMemoryTransitionSink(ILookupHistory history) : ISagaTransitionSink
{
    public Task RecordAsync(PipeContext context, Guid sagaId, TransitionEntry entry) => history.AppendAsync(sagaId, entry);

    public void Clear(PipeContext context)
    {
    }
}
