using System.ComponentModel;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace EventDriven.Producers.Apis;

public static class PostcodeApi
{
    public static RouteGroupBuilder MapPostcodeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + HttpRoutes.Postcode).WithTags("Postcode");

        // Catch-all, so anything under /postcode/ (slashes, traversal attempts) gets our 400, not a bare routing 404.
        api.MapGet("/{**postcode}", GetCrimesByPostcode)
            .WithName("GetCrimesByPostcode")
            .WithSummary("Street crimes within a mile of a UK postcode: the newest police month, a month, or the newest N months")
            .WithDescription(
                "200 from the results store (ETag, Cache-Control; 304 for a matching If-None-Match), 202 while the lookup runs " +
                "(poll Location), 400 bad format or selection, 404 unknown or terminated postcode, 422 Scotland or a postcode " +
                "without coordinates (Channel Islands, Isle of Man).")
            .DescribesCachedResults();
        return api;
    }

    internal static async Task<Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult>> GetCrimesByPostcode(
        string? postcode, LookupService lookups, HttpContext http, CancellationToken cancellationToken,
        [FromQuery, Description(SelectionDocs.Month)] string? month = null,
        [FromQuery, Description(SelectionDocs.Months)] string? months = null,
        [FromQuery, Description(SelectionDocs.Category)] string? category = null,
        [FromHeader(Name = "If-None-Match"), Description(SelectionDocs.IfNoneMatch)] string? ifNoneMatch = null)
    {
        if (!Postcode.TryParse(postcode, out var parsed, out var error))
        {
            return Problems.BadRequest("Invalid postcode", error);
        }

        // The declared parameters document the contract; the raw query is what is judged (repeats, bad numbers).
        var publication = await lookups.PublicationAsync(cancellationToken);
        if (!SelectionParameters.TryParse(http, publication, out var selection, out var problem))
        {
            return problem!;
        }

        var answer = await lookups.RequestAsync(LookupKey.For(parsed), selection, publication, ClientPartition.TagOf(http), cancellationToken);
        return LookupResults.ToHttp(answer, http, selection);
    }
}
