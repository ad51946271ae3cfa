using System.Globalization;

namespace EventDriven.Contracts;

/// <summary>
/// Why the API cannot answer a lookup with crimes, as the public sees it: a documented code and a plain message
/// (docs/architecture.md, "HTTP contract"). The detailed cause (an upstream's error, a circuit's history) stays in the
/// saga's failure reason, which only operators see (admin API, CLI) and the logs. Defined once here.
/// </summary>
public static class LookupReasons
{
    /// <summary>The geocoder does not know the postcode (postcodes.io's "Postcode not found" and "Invalid postcode").</summary>
    public const string PostcodeNotFound = "postcode-not-found";

    /// <summary>The geocoder knows the postcode but has no coordinates for it.</summary>
    public const string PostcodeWithoutLocation = "postcode-without-location";

    /// <summary>Scotland: Police Scotland does not publish to data.police.uk.</summary>
    public const string UnsupportedArea = "unsupported-area";

    /// <summary>The geocoder could not be reached after every retry.</summary>
    public const string GeocoderUnavailable = "geocoder-unavailable";

    /// <summary>data.police.uk could not be reached after every retry.</summary>
    public const string CrimeDataUnavailable = "crime-data-unavailable";

    /// <summary>More than 10,000 crimes even in the smallest parts the area is split into.</summary>
    public const string AreaTooDense = "area-too-dense";

    /// <summary>Any other failure (also a lookup stored before codes existed).</summary>
    public const string LookupFailed = "lookup-failed";

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

    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        [PostcodeNotFound] = "This postcode is not in the postcode directory.",
        [PostcodeWithoutLocation] = NoLocation,
        [UnsupportedArea] = Unsupported,
        [GeocoderUnavailable] = "The postcode directory could not be reached; ask again later to try again.",
        [CrimeDataUnavailable] = "data.police.uk could not be reached; ask again later to try again.",
        [AreaTooDense] = "data.police.uk holds more crimes around this point than it can return, even asked for in parts.",
        [LookupFailed] = "The lookup failed; ask again later to try again.",
    };

    /// <summary>Every code, in the order the documentation lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Messages.Keys];

    /// <summary>The plain message of a code; an unknown code gets <see cref="LookupFailed"/>'s.</summary>
    public static string MessageFor(string? code) =>
        code is not null && Messages.TryGetValue(code, out var message) ? message : Messages[LookupFailed];

    /// <summary>
    /// What the public is told for a code and the saga's detailed reason: the code's plain message, except that a
    /// terminated postcode says when it ended (the reason is then our own <see cref="Terminated"/> text, never an
    /// upstream's words).
    /// </summary>
    public static string PublicMessage(string? code, string? reason) =>
        code == PostcodeNotFound && IsTerminated(reason) ? reason! : MessageFor(code);
}
