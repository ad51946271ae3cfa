using System.Globalization;

namespace EventDriven.Simulator;

/// <summary>
/// What the simulated data.police.uk has published: the months <c>/crimes-street-dates</c> lists and the date
/// <c>/crime-last-updated</c> answers. By default the newest month is two months before the simulator's clock (the real
/// API publishes with about that lag); tests, benchmarks and <c>POST /_simulator/publication/…</c> move it on:
/// <see cref="PublishMonth"/> adds a newer month, <see cref="UpdateData"/> republishes the same months (the police
/// revise outcomes) and only the date moves.
/// </summary>
public sealed class SimulatorPublication(TimeProvider time, int monthsAvailable)
{
    private readonly Lock _lock = new();
    private int _extraMonths;
    private int _revision;

    /// <summary>The months listed, newest first.</summary>
    public IReadOnlyList<string> Months
    {
        get
        {
            var newest = NewestMonth();
            return Enumerable.Range(0, monthsAvailable)
                .Select(i => newest.AddMonths(-i).ToString("yyyy-MM", CultureInfo.InvariantCulture))
                .ToList();
        }
    }

    /// <summary>
    /// <c>/crime-last-updated</c>'s date. data.police.uk documents it as "the month of latest crime data in ISO format;
    /// the day is irrelevant" (https://data.police.uk/docs/method/crime-last-updated/): clients may only compare it. Here it
    /// is the first day after the newest month, plus a day per data update since that month was published.
    /// </summary>
    public string LastUpdated
    {
        get
        {
            lock (_lock)
            {
                return DateOnly.FromDateTime(NewestMonth().AddMonths(1)).AddDays(_revision).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Publishes the month after the newest one (and so moves <see cref="LastUpdated"/>).</summary>
    public void PublishMonth()
    {
        lock (_lock)
        {
            _extraMonths++;
            _revision = 0;
        }
    }

    /// <summary>Republishes the months already listed: <see cref="LastUpdated"/> moves, the months stay.</summary>
    public void UpdateData()
    {
        lock (_lock)
        {
            _revision++;
        }
    }

    /// <summary>The published state as the control API shows it.</summary>
    public object ToJson() => new { lastUpdated = LastUpdated, months = Months };

    private DateTime NewestMonth()
    {
        var now = time.GetUtcNow();
        int extra;
        lock (_lock)
        {
            extra = _extraMonths;
        }

        return new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(-2 + extra);
    }
}
