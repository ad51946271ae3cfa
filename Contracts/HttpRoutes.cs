namespace EventDriven.Contracts;

/// <summary>
/// The API's route groups, defined once: the API maps them and API Gateway routes them (cloudformation/producers.yaml;
/// a test checks the public ones are exactly what API Gateway serves without authorisation, and that the admin group
/// needs IAM there).
/// </summary>
public static class HttpRoutes
{
    public const string Postcode = "postcode";
    public const string Coordinates = "coordinates";
    public const string Lookups = "lookups";
    public const string Admin = "admin";

    /// <summary>What the internet may call.</summary>
    public static readonly IReadOnlyList<string> Public = [Postcode, Coordinates, Lookups];
}
