using System.ComponentModel;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EventDriven.Producers.Apis;

public static class CoordinatesApi
{
    public static RouteGroupBuilder MapCoordinatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Coordinates).WithTags("Coordinates");
        api.MapGet("/", GetCrimesByCoordinates)
            .WithName("GetCrimesByCoordinates")
            .WithSummary("Street crimes within a mile of a point: the newest police month, a month, or the newest N months")
            .WithDescription("Same answers and selection as the Postcode API; 400 for missing, non-numeric, out-of-range or outside-coverage coordinates.")
            .DescribesCachedResults();
        return api;
    }

    internal static async Task<Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult>> GetCrimesByCoordinates(
        HttpRequest request, LookupService lookups, HttpContext http, CancellationToken cancellationToken,
        string? longitude = null, string? latitude = null,
        [FromQuery, Description(SelectionDocs.Month)] string? month = null,
        [FromQuery, Description(SelectionDocs.Months)] string? months = null,
        [FromQuery, Description(SelectionDocs.Category)] string? category = null,
        [FromHeader(Name = "If-None-Match"), Description(SelectionDocs.IfNoneMatch)] string? ifNoneMatch = null)
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

        var publication = await lookups.PublicationAsync(cancellationToken);
        if (!SelectionParameters.TryParse(http, publication, out var selection, out var problem))
        {
            return problem!;
        }

        var answer = await lookups.RequestAsync(LookupKey.For(coordinates), selection, publication, ClientPartition.TagOf(http), cancellationToken);
        return LookupResults.ToHttp(answer, http, selection);
    }
}
