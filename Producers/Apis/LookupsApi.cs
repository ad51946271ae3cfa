using System.ComponentModel;
using EventDriven.Contracts;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Mvc;

namespace EventDriven.Producers.Apis;

public static class LookupsApi
{
    public static RouteGroupBuilder MapLookupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Lookups).WithTags("Lookups");
        api.MapGet("/{lookupId}", GetLookup)
            .WithName("GetLookup")
            .WithSummary("Status of a lookup, with its result (of the months and category in the query) once completed and its reason once failed")
            .Produces<LookupStatusResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static async Task<IResult> GetLookup(
        string lookupId, LookupService lookups, HttpContext http, CancellationToken cancellationToken,
        [FromQuery, Description(SelectionDocs.Month)] string? month = null,
        [FromQuery, Description(SelectionDocs.Months)] string? months = null,
        [FromQuery, Description(SelectionDocs.Category)] string? category = null)
    {
        if (!Guid.TryParse(lookupId, out var id))
        {
            return Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID, as returned in the 202 answer's lookupId.");
        }

        // The 202's status URL carries the selection of the request: the poll answers with the same months and category.
        var publication = await lookups.PublicationAsync(cancellationToken);
        if (!SelectionParameters.TryParse(http, publication, out var selection, out var problem))
        {
            return problem!;
        }

        return await lookups.GetStatusAsync(id, selection, publication, ClientPartition.TagOf(http), http.Response, cancellationToken)
            ?? Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.");
    }
}
