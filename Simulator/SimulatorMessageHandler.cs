using System.Net;
using System.Net.Http.Headers;

namespace EventDriven.Simulator;

/// <summary>
/// Serves the simulator as an HttpClient's primary handler, so a worker with no HTTP server still runs its whole
/// resilience pipeline (rate limiter, retries, timeouts, circuit breaker) in front of it.
/// </summary>
public sealed class SimulatorMessageHandler(UpstreamSimulator simulator) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        SimulatorResponse answer;
        try
        {
            answer = await simulator.HandleAsync(SimulatorRequest.From(request), cancellationToken).ConfigureAwait(false);
        }
        catch (SimulatedOutageException outage)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, outage.Message, outage);
        }

        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(answer.Body),
        };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(answer.ContentType);
        response.Headers.TryAddWithoutValidation(UpstreamSimulator.SimulatedHeader, "true");
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
