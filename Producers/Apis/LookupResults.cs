using System.ComponentModel;
using EventDriven.Contracts;
using EventDriven.Producers.Http;
using EventDriven.Producers.Lookups;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

namespace EventDriven.Producers.Apis;

/// <summary>Maps a <see cref="LookupAnswer"/> to the HTTP contract (docs/architecture.md); shared by the Postcode and Coordinates APIs.</summary>
internal static class LookupResults
{
    public static Results<SerializedLookupResult, Accepted<LookupAcceptedResponse>, ProblemHttpResult> ToHttp(
        LookupAnswer answer, HttpContext http, ResultSelection selection)
    {
        switch (answer)
        {
            case LookupAnswer.Completed completed:
                return completed.Result;
            case LookupAnswer.Accepted accepted:
                // The status URL carries the selection, so the poll answers with the months and category asked for.
                var statusUrl = $"/lookups/{accepted.LookupId}{selection.QueryString}";
                // Polling sooner than a second rarely finds progress.
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Accepted(statusUrl, new LookupAcceptedResponse(accepted.LookupId, accepted.Status, statusUrl));
            case LookupAnswer.NotFound notFound:
                // A terminated postcode existed once: say when it ended rather than that it was never found.
                var title = LookupReasons.IsTerminated(notFound.Reason) ? "Postcode terminated" : "Postcode not found";
                return Problems.ForReason(
                    StatusCodes.Status404NotFound, title, notFound.ReasonCode, notFound.LookupId, LookupReasons.PublicMessage(notFound.ReasonCode, notFound.Reason));
            case LookupAnswer.NoLocation noLocation:
                return Problems.ForReason(StatusCodes.Status422UnprocessableEntity, "Postcode has no location", noLocation.ReasonCode, noLocation.LookupId);
            case LookupAnswer.Unsupported unsupported:
                return Problems.ForReason(StatusCodes.Status422UnprocessableEntity, "Unsupported area", unsupported.ReasonCode, unsupported.LookupId);
            case LookupAnswer.TooManyInFlight tooMany:
                return Problems.TooManyLookupsInFlight(http.Response, tooMany.Limit, ClientLookupBudget.StoreLag);
            default:
                throw new InvalidOperationException($"Unknown lookup answer {answer.GetType().Name}.");
        }
    }

    /// <summary>
    /// OpenAPI for an endpoint answering results: the 304 of a conditional request, and the caching headers of the 200
    /// and the 304 (the selection and If-None-Match parameters are declared on the handlers).
    /// </summary>
    public static RouteHandlerBuilder DescribesCachedResults(this RouteHandlerBuilder endpoint) =>
        endpoint
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The handlers bind the selection as text (a bad value is their 400 naming what is valid, not the
                // framework's); the document says what is valid.
                foreach (var parameter in operation.Parameters ?? [])
                {
                    if (parameter is OpenApiParameter { Name: ResultSelection.MonthsParameter } months)
                    {
                        months.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = ResultSelection.MaxMonths.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                    }
                    else if (parameter is OpenApiParameter { Name: ResultSelection.MonthParameter } month)
                    {
                        month.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{4}-(0[1-9]|1[0-2])$" };
                    }
                }

                foreach (var status in new[] { "200", "304" })
                {
                    if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse concrete)
                    {
                        concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        concrete.Headers["ETag"] = Header(
                            "Strong entity tag of this representation (one per content coding); send it back in If-None-Match to get 304 while it holds.");
                        concrete.Headers["Cache-Control"] = Header(
                            "public, max-age=N: seconds until the next check of what data.police.uk has published could change the answer.");
                        concrete.Headers["Vary"] = Header("Accept-Encoding: the body is br or gzip compressed when asked for.");
                    }
                }

                return Task.CompletedTask;
            });

    private static OpenApiHeader Header(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}

/// <summary>Descriptions of the selection parameters, shared by the handlers that declare them for OpenAPI.</summary>
internal static class SelectionDocs
{
    public const string Month =
        "One police month, YYYY-MM, among those data.police.uk lists (400 naming them otherwise). Default: the newest.";

    public const string Months =
        "The newest N months (1 to 12), newest first; the answer gains a per-month trend. Not with month.";

    public const string Category =
        "Only crimes of this data.police.uk category (e.g. burglary; all-crime keeps every crime); 400 naming the valid ones otherwise.";

    public const string IfNoneMatch = "An ETag from an earlier answer: 304 Not Modified while it is still the answer.";
}
