using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Sagas;

/// <summary>Configuration section <c>Lookups</c>: how long answers stay fresh.</summary>
public sealed class LookupOptions
{
    public const string SectionName = "Lookups";

    /// <summary>
    /// How often the fleet asks data.police.uk whether it published (<c>/crime-last-updated</c>): one process per interval,
    /// whichever claims the check in the shared store first. A result stays the answer until that check sees a change.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan PublicationCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Only while no process has yet learnt what the police published (a new deployment whose first check failed): a
    /// completed lookup answers from the results store for this long, then a request starts a new attempt.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan ResultsFreshFor { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A postcode the geocoder does not know, or knows without coordinates, is remembered for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan NotFoundFreshFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>An attempt with no progress for this long is re-sent when the key is asked for again (covers lost commands).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Checks <see cref="LookupOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class LookupOptionsValidator : IValidateOptions<LookupOptions>;
