using EventDriven.Contracts.Police;

namespace EventDriven.Persistence.InMemory;

/// <summary>The publication record of the embedded process: one field, one lock for the claim.</summary>
public sealed class InMemoryPolicePublicationStore : IPolicePublicationStore
{
    private readonly Lock _lock = new();
    private volatile PolicePublication? _publication;
    private DateTimeOffset? _claimedAt;

    public ValueTask<PolicePublication?> GetAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_publication);

    public Task<bool> TryClaimCheckAsync(DateTimeOffset now, DateTimeOffset unlessClaimedAfter, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_claimedAt is { } claimed && claimed > unlessClaimedAfter)
            {
                return Task.FromResult(false);
            }

            _claimedAt = now;
            return Task.FromResult(true);
        }
    }

    public Task SaveAsync(PolicePublication publication, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publication);
        _publication = publication;
        return Task.CompletedTask;
    }
}
