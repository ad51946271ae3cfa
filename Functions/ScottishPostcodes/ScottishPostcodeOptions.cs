using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.ScottishPostcodes;

/// <summary>Configuration section <c>ScottishPostcodes</c> (environment: <c>ScottishPostcodes__PageSize</c>, ...).</summary>
public sealed class ScottishPostcodeOptions
{
    public const string SectionName = "ScottishPostcodes";

    /// <summary>Instances read per page from the saga store.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// How far before the watermark each run starts reading. Re-reading is harmless (the registry merge is max/min),
    /// while clocks of different processes may disagree a little; the overlap makes sure nothing falls between runs.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Checks <see cref="ScottishPostcodeOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class ScottishPostcodeOptionsValidator : IValidateOptions<ScottishPostcodeOptions>;
