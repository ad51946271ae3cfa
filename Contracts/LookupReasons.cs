using System.Globalization;

namespace EventDriven.Contracts;

/// <summary>Reasons the API gives for lookups it cannot answer with crimes. Defined once here.</summary>
public static class LookupReasons
{
    public const string Unsupported =
        "Police Scotland does not publish to data.police.uk, so crimes for Scottish postcodes cannot be looked up.";

    /// <summary>postcodes.io knows the postcode but has no coordinates for it (the Channel Islands, the Isle of Man, a few others).</summary>
    public const string NoLocation =
        "postcodes.io knows this postcode but has no coordinates for it (postcodes in the Channel Islands and the Isle of Man have none), " +
        "so crimes within a mile of it cannot be looked up.";

    /// <summary>How every terminated-postcode reason starts, so the API can title it "terminated" rather than "not found".</summary>
    public const string TerminatedPrefix = "Terminated in ";

    /// <summary>"Terminated in June 2015: the postcode is no longer in use." (postcodes.io's <c>terminated</c> year and month).</summary>
    public static string Terminated(int year, int month) =>
        month is >= 1 and <= 12 && year is >= 1900 and <= 9999
            ? string.Create(CultureInfo.InvariantCulture, $"{TerminatedPrefix}{new DateTime(year, month, 1):MMMM yyyy}: the postcode is no longer in use.")
            : "Terminated: the postcode is no longer in use.";

    public static bool IsTerminated(string? reason) => reason?.StartsWith("Terminated", StringComparison.Ordinal) == true;
}
