namespace EventDriven.Contracts;

/// <summary>
/// Receive endpoint (queue) names, defined once: the bus configuration, the saga's command addresses,
/// the CloudFormation scaling policy and alarms all use these (a test checks the template).
/// Dead letters go to <c>{queue}_error</c>.
/// </summary>
public static class QueueNames
{
    public const string CrimeLookupSaga = "crime-lookup-state";
    public const string GeocodePostcode = "geocode-postcode";
    public const string FetchCrimes = "fetch-crimes";
    public const string UnsupportedPostcodes = "unsupported-postcode-recorded";

    public const string ErrorSuffix = "_error";

    public static readonly IReadOnlyList<string> All = [CrimeLookupSaga, GeocodePostcode, FetchCrimes, UnsupportedPostcodes];

    public static string ErrorQueueOf(string queue) => queue + ErrorSuffix;
}
