using EventDriven.Contracts;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;

namespace EventDriven.Producers.Apis;

public static class LookupsApi
{
    public static RouteGroupBuilder MapLookupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Lookups).WithTags("Lookups");
        api.MapGet("/{lookupId}", GetLookup)
            .WithName("GetLookup")
            .WithSummary("Status of a lookup, with its result once completed and its reason once failed")
            .Produces<LookupStatusResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    internal static async Task<IResult> GetLookup(
        string lookupId, LookupService lookups, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(lookupId, out var id))
        {
            return Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID, as returned in the 202 answer's lookupId.");
        }

        return await lookups.GetStatusAsync(id, cancellationToken)
            ?? Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.");
    }
}
