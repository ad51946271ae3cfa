namespace EventDriven.Contracts.Values;

/// <summary>
/// Police Scotland does not publish to data.police.uk. The area list is only a fast path: some TD and DG
/// districts lie (partly) in England, so for those the geocoder's <c>country</c> field decides.
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

    /// <summary>True only when the area alone proves the postcode is Scottish.</summary>
    public static bool IsCertainlyScottish(Postcode postcode) =>
        Areas.Contains(postcode.Area) && !CrossBorderAreas.Contains(postcode.Area);

    public static bool IsScottishCountry(string? country) =>
        string.Equals(country, ScotlandCountry, StringComparison.OrdinalIgnoreCase);
}
