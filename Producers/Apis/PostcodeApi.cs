using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

public static class PostcodeApi
{
    public static RouteGroupBuilder MapPostcodeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Postcode).WithTags("Postcode");

        // Catch-all, so anything under /postcode/ (slashes, traversal attempts) gets our 400, not a bare routing 404.
        api.MapGet("/{**postcode}", GetCrimesByPostcode)
            .WithName("GetCrimesByPostcode")
            .WithSummary("Last month's street crimes within a mile of a UK postcode")
            .WithDescription("200 from the results store, 202 while the lookup runs (poll Location), 400 bad format, 404 unknown postcode, 422 Scotland.");
        return api;
    }

    internal static async Task<Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult>> GetCrimesByPostcode(
        string? postcode, LookupService lookups, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Postcode.TryParse(postcode, out var parsed, out var error))
        {
            return Problems.BadRequest("Invalid postcode", error);
        }

        var answer = await lookups.RequestAsync(LookupKey.For(parsed), ClientPartition.TagOf(http), cancellationToken);
        return LookupResults.ToHttp(answer, http);
    }
}
