using Microsoft.AspNetCore.Diagnostics;

namespace EventDriven.Producers.Http;

/// <summary>
/// A request the framework found malformed once it reached the application (a body that is not what its headers
/// promised, a body too large, a header value it cannot read) is the client's error: its own 4xx status as
/// problem+json, never a 500. What Kestrel refuses before any middleware runs is in docs/architecture.md, "HTTP contract".
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = bad.StatusCode, Title = "Bad request", Detail = "The request is malformed." },
        });
    }
}
