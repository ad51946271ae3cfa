using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Simulator;

/// <summary>How the simulated upstreams behave. Defaults mirror data.police.uk's documented limits.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Police API leaky bucket: sustained requests per second (documented: 15).</summary>
    [Range(0d, 1000d, MinimumIsExclusive = true)]
    public double PoliceRequestsPerSecond { get; set; } = 15;

    /// <summary>Police API leaky bucket: burst (documented: 30).</summary>
    [Range(1, 10_000)]
    public int PoliceBurst { get; set; } = 30;

    /// <summary>Enforce the police rate limit (429 + Retry-After beyond it). Off for throughput benchmarks.</summary>
    public bool EnforcePoliceRateLimit { get; set; } = true;

    /// <summary>How many months <c>/crimes-street-dates</c> lists; the newest is two months before today, as on the real API.</summary>
    [Range(1, 240)]
    public int MonthsAvailable { get; set; } = 24;
}

/// <summary>Checks <see cref="SimulatorOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>;
