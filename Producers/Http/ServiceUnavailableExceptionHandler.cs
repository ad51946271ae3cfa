using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using Microsoft.AspNetCore.Diagnostics;

namespace EventDriven.Producers.Http;

/// <summary>A store or the broker being down is the service being unavailable: 503 problem+json with Retry-After, never a 500.</summary>
internal sealed partial class ServiceUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<ServiceUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var detail = exception switch
        {
            StoreUnavailableException => "The lookup store cannot be reached right now; try again shortly.",
            BusUnavailableException => "The message bus cannot take lookups right now; try again shortly.",
            _ => null,
        };
        if (detail is null)
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Service unavailable", Detail = detail },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answering 503: {Kind}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string kind, string reason);
}
