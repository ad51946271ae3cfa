using EventDriven.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventDriven.Producers.Http;

/// <summary>problem+json answers (RFC 9457) with the lookup id where there is one.</summary>
internal static class Problems
{
    public static ProblemHttpResult Of(int status, string title, string detail, Guid? lookupId = null) =>
        TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: title,
            extensions: lookupId is null ? null : new Dictionary<string, object?> { ["lookupId"] = lookupId });

    public static ProblemHttpResult BadRequest(string title, string detail) => Of(StatusCodes.Status400BadRequest, title, detail);

    /// <summary>A 400 with members that say what is valid (RFC 9457 extension members), e.g. <c>availableMonths</c>.</summary>
    public static ProblemHttpResult BadRequest(string title, string detail, IDictionary<string, object?>? extensions) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: title, extensions: extensions);

    /// <summary>
    /// 429 for a request that would start new work past the client's lookups in flight, with <c>Retry-After</c>: a
    /// lookup usually finishes within a couple of seconds.
    /// </summary>
    /// <param name="window">How long an accepted lookup counts even before the store shows it.</param>
    public static ProblemHttpResult TooManyLookupsInFlight(HttpResponse response, int limit, TimeSpan window)
    {
        response.Headers.RetryAfter = "2";
        return Of(
            StatusCodes.Status429TooManyRequests,
            "Too many lookups in flight",
            $"This client has started {limit} new lookups that are still running or were accepted in the last {window.TotalSeconds:0} s, the most allowed; ask again in a moment (poll the statusUrls you have).");
    }

    /// <summary>A lookup that has an answer other than crimes: its reason's plain message as the detail, and its code.</summary>
    /// <param name="detail">The public message when it is more than the code's (<see cref="LookupReasons.PublicMessage"/>).</param>
    public static ProblemHttpResult ForReason(int status, string title, string reasonCode, Guid lookupId, string? detail = null) =>
        TypedResults.Problem(
            detail: detail ?? LookupReasons.MessageFor(reasonCode),
            statusCode: status,
            title: title,
            extensions: new Dictionary<string, object?> { ["lookupId"] = lookupId, ["reasonCode"] = reasonCode });
}
