using System.Globalization;
using EventDriven.Persistence.Operations;

namespace EventDriven.Persistence.InMemory;

/// <summary>The audit trail in embedded mode: the newest <see cref="AuditLimits.InMemoryRecords"/> records, gone when the process stops.</summary>
public sealed class InMemoryAuditTrail : IAuditTrail
{
    private readonly LinkedList<AuditRecord> _records = new();
    private readonly Lock _lock = new();

    public Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _records.AddFirst(record);
            while (_records.Count > AuditLimits.InMemoryRecords)
            {
                _records.RemoveLast();
            }
        }

        return Task.CompletedTask;
    }

    public Task<AuditPage> ListAsync(int limit, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var skip = 0;
        if (pageToken is not null && (!int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out skip) || skip < 0))
        {
            throw new ArgumentException($"The page token '{pageToken}' is not one this service issued.", nameof(pageToken));
        }

        lock (_lock)
        {
            var items = _records.OrderByDescending(r => r.At).ThenByDescending(r => r.Id, StringComparer.Ordinal).Skip(skip).Take(limit).ToList();
            var next = skip + items.Count < _records.Count ? (skip + items.Count).ToString(CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new AuditPage(items, next));
        }
    }
}

/// <summary>Replay jobs and the ledger in embedded mode (kept while the process runs; at most <see cref="ReplayLimits.InMemoryJobs"/> jobs).</summary>
public sealed class InMemoryReplayJobStore : IReplayJobStore
{
    private readonly Dictionary<string, ReplayJob> _jobs = new(StringComparer.Ordinal);
    private readonly HashSet<(string, string)> _ledger = [];
    private readonly Lock _lock = new();

    public Task CreateAsync(ReplayJob job, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_jobs.TryAdd(job.Id, job with { Version = 1 }))
            {
                throw new InvalidOperationException($"A replay job '{job.Id}' exists.");
            }

            foreach (var old in _jobs.Values.Where(j => j.IsFinished).OrderBy(j => j.CreatedAt).Take(Math.Max(0, _jobs.Count - ReplayLimits.InMemoryJobs)).ToList())
            {
                _jobs.Remove(old.Id);
            }
        }

        return Task.CompletedTask;
    }

    public Task<ReplayJob?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_jobs.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<ReplayJob>> ListAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ReplayJob>>(_jobs.Values.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal).Take(limit).ToList());
        }
    }

    public Task<ReplayJob?> TryUpdateAsync(ReplayJob job, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_jobs.TryGetValue(job.Id, out var stored) || stored.Version != job.Version)
            {
                return Task.FromResult<ReplayJob?>(null);
            }

            var written = job with { Version = job.Version + 1 };
            _jobs[job.Id] = written;
            return Task.FromResult<ReplayJob?>(written);
        }
    }

    public Task<bool> WasReplayedAsync(string messageId, string faultStamp, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_ledger.Contains((messageId, faultStamp)));
        }
    }

    public Task MarkReplayedAsync(string messageId, string faultStamp, string jobId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _ledger.Add((messageId, faultStamp));
        }

        return Task.CompletedTask;
    }
}
