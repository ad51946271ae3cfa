namespace EventDriven.Contracts.Values;

/// <summary>
/// Police Scotland does not publish to data.police.uk, so Scottish postcodes cannot be looked up. <see cref="IsScottish"/>
/// is the one place that decides it: the geocoder's <c>country</c> when it is known; before that the postcode area, but
/// only where it is unambiguous (some TD and DG districts lie, partly, in England).
/// </summary>
public static class ScottishPostcodeAreas
{
    public const string ScotlandCountry = "Scotland";

    public static readonly IReadOnlySet<string> Areas = new HashSet<string>(StringComparer.Ordinal)
    {
        "AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE",
    };

    /// <summary>Cross-border areas: the country of a postcode here is known only to the geocoder.</summary>
    public static readonly IReadOnlySet<string> CrossBorderAreas = new HashSet<string>(StringComparer.Ordinal) { "TD", "DG" };

    /// <summary>
    /// True when the postcode is Scottish, false when it is not, null when only the geocoder can tell (a cross-border
    /// area before geocoding). A known <paramref name="country"/> decides; otherwise the area of <paramref name="postcode"/>.
    /// </summary>
    public static bool? IsScottish(Postcode? postcode, string? country)
    {
        if (!string.IsNullOrEmpty(country))
        {
            return string.Equals(country, ScotlandCountry, StringComparison.OrdinalIgnoreCase);
        }

        if (postcode is not { } known)
        {
            return null;
        }

        return CrossBorderAreas.Contains(known.Area) ? null : Areas.Contains(known.Area);
    }
}
