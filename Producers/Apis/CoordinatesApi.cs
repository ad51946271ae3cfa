using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

public static class CoordinatesApi
{
    public static RouteGroupBuilder MapCoordinatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Coordinates).WithTags("Coordinates");
        api.MapGet("/", GetCrimesByCoordinates)
            .WithName("GetCrimesByCoordinates")
            .WithSummary("Last month's street crimes within a mile of a point")
            .WithDescription("Same answers as the Postcode API; 400 for missing, non-numeric, out-of-range or outside-coverage coordinates.");
        return api;
    }

    internal static async Task<Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult>> GetCrimesByCoordinates(
        HttpRequest request, LookupService lookups, HttpContext http, CancellationToken cancellationToken,
        string? longitude = null, string? latitude = null)
    {
        // Read the raw values: a repeated parameter must be rejected, not silently joined or half-bound.
        var lng = request.Query["longitude"];
        var lat = request.Query["latitude"];
        if (lng.Count > 1 || lat.Count > 1)
        {
            return Problems.BadRequest("Invalid coordinates", "Give longitude and latitude once each.");
        }

        if (!Coordinates.TryParse(lat.ToString(), lng.ToString(), out var coordinates, out var error))
        {
            return Problems.BadRequest("Invalid coordinates", error);
        }

        var answer = await lookups.RequestAsync(LookupKey.For(coordinates), ClientPartition.TagOf(http), cancellationToken);
        return LookupResults.ToHttp(answer, http);
    }
}
