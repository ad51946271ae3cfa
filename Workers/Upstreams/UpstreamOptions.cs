using System.ComponentModel.DataAnnotations;

namespace EventDriven.Workers.Upstreams;

/// <summary>Configuration section <c>Upstreams</c> (docs/architecture.md, "Configuration").</summary>
public sealed class UpstreamOptions
{
    public const string SectionName = "Upstreams";

    /// <summary>Serve both upstreams from the built-in simulator (offline demo, tests, benchmarks).</summary>
    public bool Simulate { get; set; }

    /// <summary>Retries per upstream call after the first attempt (429, 5xx, timeouts, connection errors).</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially with jitter. A Retry-After header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Required]
    public PostcodesIoOptions PostcodesIo { get; set; } = new();

    [Required]
    public PoliceApiOptions PoliceApi { get; set; } = new();
}

public sealed class PostcodesIoOptions
{
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.postcodes.io/");
}

public sealed class PoliceApiOptions
{
    [Required]
    public Uri BaseUrl { get; set; } = new("https://data.police.uk/api/");

    /// <summary>This process's share of the police API budget (the real limit is 15/s per client IP).</summary>
    [Range(0.1, 1000)]
    public double RequestsPerSecond { get; set; } = 15;

    /// <summary>The burst the police API tolerates (documented: 30).</summary>
    [Range(1, 10_000)]
    public int Burst { get; set; } = 30;
}
