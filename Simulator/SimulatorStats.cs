namespace EventDriven.Simulator;

/// <summary>What the simulator was asked and answered: tests and benchmarks assert on these counts.</summary>
public sealed class SimulatorStats
{
    private long _geocodeRequests;
    private long _crimesRequests;
    private long _datesRequests;
    private long _lastUpdatedRequests;
    private long _categoriesRequests;
    private long _throttled;
    private long _tooManyCrimes;
    private long _injectedErrors;
    private long _outageRejections;
    private long _firstPoliceTicks;
    private long _lastPoliceTicks;
    private long _crimesHeld;
    private long _policeHeld;

    public long GeocodeRequests => Interlocked.Read(ref _geocodeRequests);
    public long CrimesRequests => Interlocked.Read(ref _crimesRequests);
    public long DatesRequests => Interlocked.Read(ref _datesRequests);
    /// <summary>Served <c>/crime-last-updated</c> requests.</summary>
    public long LastUpdatedRequests => Interlocked.Read(ref _lastUpdatedRequests);
    /// <summary>Served <c>/crime-categories</c> requests.</summary>
    public long CategoriesRequests => Interlocked.Read(ref _categoriesRequests);
    /// <summary>Police API requests answered 429.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);
    /// <summary>Police API requests answered 503 because the area holds more than 10,000 crimes.</summary>
    public long TooManyCrimes => Interlocked.Read(ref _tooManyCrimes);
    public long InjectedErrors => Interlocked.Read(ref _injectedErrors);
    public long OutageRejections => Interlocked.Read(ref _outageRejections);

    /// <summary>Crimes requests being held by the injected latency right now (received, not yet answered).</summary>
    public long CrimesHeld => Interlocked.Read(ref _crimesHeld);

    /// <summary>Police API requests of any kind (crimes, publication checks) being held by the injected latency right now.</summary>
    public long PoliceHeld => Interlocked.Read(ref _policeHeld);

    /// <summary>Police API requests that were served (not throttled): what counts against the real budget.</summary>
    public long PoliceRequests => CrimesRequests + DatesRequests + LastUpdatedRequests + CategoriesRequests;

    /// <summary>Served police requests about the publication (last updated, months, categories): the cost of knowing when data changes.</summary>
    public long PublicationRequests => DatesRequests + LastUpdatedRequests + CategoriesRequests;

    internal void CountGeocode() => Interlocked.Increment(ref _geocodeRequests);
    /// <summary>When the first and the last served police API request arrived (UTC ticks; 0 when none).</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? PoliceWindow
    {
        get
        {
            var first = Interlocked.Read(ref _firstPoliceTicks);
            var last = Interlocked.Read(ref _lastPoliceTicks);
            return first == 0 ? null : (new DateTimeOffset(first, TimeSpan.Zero), new DateTimeOffset(last, TimeSpan.Zero));
        }
    }

    /// <summary>Served police requests per second between the first and the last one: the sustained rate.</summary>
    public double SustainedPoliceRate => PoliceWindow is { } w && w.Last > w.First ? (PoliceRequests - 1) / (w.Last - w.First).TotalSeconds : 0;

    internal void CountCrimes(DateTimeOffset now)
    {
        Interlocked.Increment(ref _crimesRequests);
        NotePolice(now);
    }

    internal void CountDates(DateTimeOffset now)
    {
        Interlocked.Increment(ref _datesRequests);
        NotePolice(now);
    }

    internal void CountLastUpdated(DateTimeOffset now)
    {
        Interlocked.Increment(ref _lastUpdatedRequests);
        NotePolice(now);
    }

    internal void CountCategories(DateTimeOffset now)
    {
        Interlocked.Increment(ref _categoriesRequests);
        NotePolice(now);
    }

    private void NotePolice(DateTimeOffset now)
    {
        Interlocked.CompareExchange(ref _firstPoliceTicks, now.UtcTicks, 0);
        Interlocked.Exchange(ref _lastPoliceTicks, now.UtcTicks);
    }
    internal void CountThrottled() => Interlocked.Increment(ref _throttled);
    internal void CountTooManyCrimes() => Interlocked.Increment(ref _tooManyCrimes);
    internal void CountInjectedError() => Interlocked.Increment(ref _injectedErrors);
    internal void CountOutage() => Interlocked.Increment(ref _outageRejections);

    internal void Hold(bool police, bool crimes, int change)
    {
        if (police)
        {
            Interlocked.Add(ref _policeHeld, change);
        }

        if (crimes)
        {
            Interlocked.Add(ref _crimesHeld, change);
        }
    }

    public void Reset()
    {
        Interlocked.Exchange(ref _geocodeRequests, 0);
        Interlocked.Exchange(ref _crimesRequests, 0);
        Interlocked.Exchange(ref _datesRequests, 0);
        Interlocked.Exchange(ref _lastUpdatedRequests, 0);
        Interlocked.Exchange(ref _categoriesRequests, 0);
        Interlocked.Exchange(ref _throttled, 0);
        Interlocked.Exchange(ref _tooManyCrimes, 0);
        Interlocked.Exchange(ref _injectedErrors, 0);
        Interlocked.Exchange(ref _outageRejections, 0);
        Interlocked.Exchange(ref _firstPoliceTicks, 0);
        Interlocked.Exchange(ref _lastPoliceTicks, 0);
    }

    public object ToJson() => new
    {
        geocodeRequests = GeocodeRequests,
        crimesRequests = CrimesRequests,
        datesRequests = DatesRequests,
        lastUpdatedRequests = LastUpdatedRequests,
        categoriesRequests = CategoriesRequests,
        throttled = Throttled,
        tooManyCrimes = TooManyCrimes,
        injectedErrors = InjectedErrors,
        outageRejections = OutageRejections,
        crimesHeld = CrimesHeld,
        policeHeld = PoliceHeld,
        sustainedPoliceRate = Math.Round(SustainedPoliceRate, 2),
    };
}
