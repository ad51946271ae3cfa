namespace EventDriven.Workers.Upstreams;

/// <summary>
/// The police API's newest month, shared by the whole process. The months list changes once a month; asking at most
/// hourly keeps it off the rate budget, and one caller fetches while the others wait.
/// </summary>
public sealed class PoliceMonthCache(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Duration = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private (string Month, DateTimeOffset Expires)? _cached;

    public async Task<string> GetOrFetchAsync(Func<CancellationToken, Task<string>> fetch, CancellationToken cancellationToken)
    {
        if (_cached is { } cached && cached.Expires > time.GetUtcNow())
        {
            return cached.Month;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && again.Expires > time.GetUtcNow())
            {
                return again.Month;
            }

            var month = await fetch(cancellationToken).ConfigureAwait(false);
            _cached = (month, time.GetUtcNow() + Duration);
            return month;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
