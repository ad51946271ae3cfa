using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Apis;

/// <summary>Maps a <see cref="LookupAnswer"/> to the HTTP contract (docs/architecture.md); shared by the Postcode and Coordinates APIs.</summary>
internal static class LookupResults
{
    public static Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult> ToHttp(LookupAnswer answer, HttpContext http)
    {
        switch (answer)
        {
            case LookupAnswer.Completed completed:
                return completed.Result;
            case LookupAnswer.Accepted accepted:
                var statusUrl = $"/lookups/{accepted.LookupId}";
                // Polling sooner than a second rarely finds progress.
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Accepted(statusUrl, new LookupAcceptedResponse(accepted.LookupId, accepted.Status, statusUrl));
            case LookupAnswer.NotFound notFound:
                return Problems.ForReason(StatusCodes.Status404NotFound, "Postcode not found", notFound.ReasonCode, notFound.LookupId);
            case LookupAnswer.Unsupported unsupported:
                return Problems.ForReason(StatusCodes.Status422UnprocessableEntity, "Unsupported area", unsupported.ReasonCode, unsupported.LookupId);
            case LookupAnswer.TooManyInFlight tooMany:
                // A lookup usually finishes within a couple of seconds.
                http.Response.Headers.RetryAfter = "2";
                return Problems.Of(
                    StatusCodes.Status429TooManyRequests,
                    "Too many lookups in flight",
                    $"This client already has {tooMany.Limit} lookups running, the most allowed; ask again once they finish (poll their statusUrl).");
            default:
                throw new InvalidOperationException($"Unknown lookup answer {answer.GetType().Name}.");
        }
    }
}
