using System.Globalization;
using System.Text.Json;

namespace EventDriven.Simulator;

/// <summary>
/// Deterministic synthetic street crimes in data.police.uk's shape. Dense areas hold more than
/// 10,000 crimes within a mile, so a point query there gets the real API's 503; smaller polygons inside it succeed (see <see cref="Dense"/> and <see cref="Extreme"/>).
/// </summary>
public static class SyntheticCrimes
{
    public const int MaxCrimesPerQuery = 10_000;
    public const double RadiusMiles = 1.0;
    private const double KilometresPerMile = 1.609344;
    private const double EarthRadiusKm = 6371.0;

    /// <summary>
    /// Within 3 km of Birmingham city centre a one-mile circle holds about 12,000 crimes (503), but each quarter of it
    /// fewer than 10,000: the split into polygons succeeds.
    /// </summary>
    public static readonly DenseArea Dense = new(52.4797, -1.9026, RadiusKm: 3, CrimesPerCircle: 12_000);

    /// <summary>Within 3 km of Bristol city centre even a sixteenth of the circle holds more than 10,000 crimes.</summary>
    public static readonly DenseArea Extreme = new(51.4545, -2.5879, RadiusKm: 3, CrimesPerCircle: 200_000);

    private static readonly string[] Categories =
    [
        "anti-social-behaviour", "bicycle-theft", "burglary", "criminal-damage-arson", "drugs", "other-theft",
        "possession-of-weapons", "public-order", "robbery", "shoplifting", "theft-from-the-person", "vehicle-crime",
        "violent-crime", "other-crime",
    ];

    /// <summary>The names data.police.uk gives its category slugs (<c>/crime-categories</c>).</summary>
    public static readonly IReadOnlyList<(string Url, string Name)> CategoryNames =
    [
        ("all-crime", "All crime"), ("anti-social-behaviour", "Anti-social behaviour"), ("bicycle-theft", "Bicycle theft"),
        ("burglary", "Burglary"), ("criminal-damage-arson", "Criminal damage and arson"), ("drugs", "Drugs"),
        ("other-theft", "Other theft"), ("possession-of-weapons", "Possession of weapons"), ("public-order", "Public order"),
        ("robbery", "Robbery"), ("shoplifting", "Shoplifting"), ("theft-from-the-person", "Theft from the person"),
        ("vehicle-crime", "Vehicle crime"), ("violent-crime", "Violence and sexual offences"), ("other-crime", "Other crime"),
    ];

    private static readonly string[] BtpSubtypes = ["LU STATION", "STATION", "DLR STATION", "TRAIN"];

    private static readonly string[] Outcomes =
    [
        "Investigation complete; no suspect identified", "Unable to prosecute suspect", "Under investigation",
        "Status update unavailable", "Awaiting court outcome", "Offender given a caution",
    ];

    private static double CircleAreaKm2 => Math.PI * Math.Pow(RadiusMiles * KilometresPerMile, 2);

    /// <summary>How many crimes a one-mile circle around the point holds in the month.</summary>
    public static int CountAround(double latitude, double longitude, string month)
    {
        foreach (var area in (ReadOnlySpan<DenseArea>)[Extreme, Dense])
        {
            if (area.Contains(latitude, longitude))
            {
                return area.CrimesPerCircle;
            }
        }

        var seed = SyntheticGeography.StableSeed(string.Create(CultureInfo.InvariantCulture, $"{latitude:F3},{longitude:F3},{month}"));
        return 5 + (seed % 120);
    }

    /// <summary>How many crimes a polygon holds: the density at its centre times its area.</summary>
    public static int CountInPolygon(IReadOnlyList<(double Latitude, double Longitude)> polygon, string month)
    {
        var (centreLat, centreLng) = (polygon.Average(p => p.Latitude), polygon.Average(p => p.Longitude));
        var density = CountAround(centreLat, centreLng, month) / CircleAreaKm2;
        return (int)Math.Round(density * AreaKm2(polygon));
    }

    internal static double DistanceKm(double lat1, double lng1, double lat2, double lng2)
    {
        var dLat = (lat2 - lat1) * Math.PI / 180;
        var dLng = (lng2 - lng1) * Math.PI / 180 * Math.Cos((lat1 + lat2) / 2 * Math.PI / 180);
        return EarthRadiusKm * Math.Sqrt((dLat * dLat) + (dLng * dLng));
    }

    /// <summary>Writes <paramref name="count"/> crimes around the point as the police API's JSON array.</summary>
    public static void WriteAround(Utf8JsonWriter json, double latitude, double longitude, string month, int count)
    {
        var random = new Random(SyntheticGeography.StableSeed(string.Create(CultureInfo.InvariantCulture, $"{latitude:F5},{longitude:F5},{month}")));
        var radiusKm = RadiusMiles * KilometresPerMile;
        json.WriteStartArray();
        for (var i = 0; i < count; i++)
        {
            // Uniform over the disc: sqrt for the distance, and a 0.98 factor to stay clear of the boundary.
            var distanceKm = radiusKm * 0.98 * Math.Sqrt(random.NextDouble());
            var bearing = random.NextDouble() * 2 * Math.PI;
            var (lat, lng) = Offset(latitude, longitude, distanceKm, bearing);
            WriteCrime(json, random, lat, lng, month);
        }

        json.WriteEndArray();
    }

    /// <summary>Writes <paramref name="count"/> crimes inside the polygon.</summary>
    public static void WriteInPolygon(Utf8JsonWriter json, IReadOnlyList<(double Latitude, double Longitude)> polygon, string month, int count)
    {
        var seedText = string.Join(':', polygon.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Latitude:F5},{p.Longitude:F5}"))) + month;
        var random = new Random(SyntheticGeography.StableSeed(seedText));
        var (minLat, maxLat) = (polygon.Min(p => p.Latitude), polygon.Max(p => p.Latitude));
        var (minLng, maxLng) = (polygon.Min(p => p.Longitude), polygon.Max(p => p.Longitude));
        json.WriteStartArray();
        var written = 0;
        for (var attempts = 0; written < count && attempts < count * 20; attempts++)
        {
            var lat = minLat + (random.NextDouble() * (maxLat - minLat));
            var lng = minLng + (random.NextDouble() * (maxLng - minLng));
            if (Contains(polygon, lat, lng))
            {
                WriteCrime(json, random, lat, lng, month);
                written++;
            }
        }

        json.WriteEndArray();
    }

    private static void WriteCrime(Utf8JsonWriter json, Random random, double lat, double lng, string month)
    {
        var category = Categories[random.Next(Categories.Length)];
        var id = 100_000_000L + random.Next(0, int.MaxValue);
        var streetId = 1_000_000 + random.Next(0, 900_000);
        var streetNumber = random.Next(1, 400);
        // British Transport Police report crimes on the railway as location_type "BTP" with the kind of place in
        // location_subtype ("LU STATION", "STATION", ...); force crimes carry "Force" and an empty subtype.
        var btp = random.NextDouble() < 0.04;
        var subtype = btp ? BtpSubtypes[random.Next(BtpSubtypes.Length)] : string.Empty;
        // "context" is free text the force adds to a few crimes; empty otherwise.
        var context = random.NextDouble() < 0.02 ? "Simulated context: reported by a member of staff." : string.Empty;
        json.WriteStartObject();
        json.WriteString("category", category);
        json.WriteString("location_type", btp ? "BTP" : "Force");
        json.WriteStartObject("location");
        // The real API sends coordinates as strings.
        json.WriteString("latitude", lat.ToString("F6", CultureInfo.InvariantCulture));
        json.WriteStartObject("street");
        json.WriteNumber("id", streetId);
        json.WriteString("name", btp ? $"Simulated Station {streetNumber} ({subtype.ToLowerInvariant()})" : $"On or near Simulated Street {streetNumber}");
        json.WriteEndObject();
        json.WriteString("longitude", lng.ToString("F6", CultureInfo.InvariantCulture));
        json.WriteEndObject();
        json.WriteString("context", context);
        if (category == "anti-social-behaviour" || random.NextDouble() < 0.25)
        {
            json.WriteNull("outcome_status");
        }
        else
        {
            json.WriteStartObject("outcome_status");
            json.WriteString("category", Outcomes[random.Next(Outcomes.Length)]);
            json.WriteString("date", month);
            json.WriteEndObject();
        }

        // Anti-social behaviour has no persistent id on the real API.
        json.WriteString("persistent_id", category == "anti-social-behaviour" ? string.Empty : Convert.ToHexStringLower(BitConverter.GetBytes(id)) + "simulated");
        json.WriteNumber("id", id);
        json.WriteString("location_subtype", subtype);
        json.WriteString("month", month);
        json.WriteEndObject();
    }

    /// <summary>
    /// <c>/crime-categories?date=</c>: the police's category slugs and names, <c>all-crime</c> first, as
    /// https://data.police.uk/docs/method/crime-categories/ lists them.
    /// </summary>
    public static void WriteCategories(Utf8JsonWriter json)
    {
        json.WriteStartArray();
        foreach (var (url, name) in CategoryNames)
        {
            json.WriteStartObject();
            json.WriteString("url", url);
            json.WriteString("name", name);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static (double Latitude, double Longitude) Offset(double latitude, double longitude, double distanceKm, double bearing)
    {
        var dLat = distanceKm * Math.Cos(bearing) / EarthRadiusKm;
        var dLng = distanceKm * Math.Sin(bearing) / (EarthRadiusKm * Math.Cos(latitude * Math.PI / 180));
        return (latitude + (dLat * 180 / Math.PI), longitude + (dLng * 180 / Math.PI));
    }

    private static double AreaKm2(IReadOnlyList<(double Latitude, double Longitude)> polygon)
    {
        // Equirectangular projection around the polygon: plenty for areas of a few square miles.
        var refLat = polygon.Average(p => p.Latitude) * Math.PI / 180;
        double area = 0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            var ax = a.Longitude * Math.PI / 180 * Math.Cos(refLat) * EarthRadiusKm;
            var ay = a.Latitude * Math.PI / 180 * EarthRadiusKm;
            var bx = b.Longitude * Math.PI / 180 * Math.Cos(refLat) * EarthRadiusKm;
            var by = b.Latitude * Math.PI / 180 * EarthRadiusKm;
            area += (ax * by) - (bx * ay);
        }

        return Math.Abs(area) / 2;
    }

    private static bool Contains(IReadOnlyList<(double Latitude, double Longitude)> polygon, double lat, double lng)
    {
        var inside = false;
        for (int i = 0, j = polygon.Count - 1; i < polygon.Count; j = i++)
        {
            var (yi, xi) = polygon[i];
            var (yj, xj) = polygon[j];
            if ((yi > lat) != (yj > lat) && lng < ((xj - xi) * (lat - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

/// <summary>An area where the simulated police data is denser than the API will return in one answer.</summary>
public sealed record DenseArea(double Latitude, double Longitude, double RadiusKm, int CrimesPerCircle)
{
    public bool Contains(double latitude, double longitude) =>
        SyntheticCrimes.DistanceKm(Latitude, Longitude, latitude, longitude) <= RadiusKm;
}
