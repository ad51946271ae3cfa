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
}
