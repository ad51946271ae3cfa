using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

public static class LookupsApi
{
    public static RouteGroupBuilder MapLookupsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/lookups").WithTags("Lookups");
        api.MapGet("/{lookupId}", GetLookup)
            .WithName("GetLookup")
            .WithSummary("Status of a lookup, with its result once completed and its reason once failed");
        return api;
    }

    internal static async Task<Results<Ok<LookupStatusResponse>, ProblemHttpResult>> GetLookup(
        string lookupId, LookupService lookups, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(lookupId, out var id))
        {
            return Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID, as returned in the 202 answer's lookupId.");
        }

        var status = await lookups.GetStatusAsync(id, cancellationToken);
        return status is null
            ? Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.")
            : TypedResults.Ok(status);
    }
}
