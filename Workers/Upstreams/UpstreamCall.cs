using Polly.CircuitBreaker;

namespace EventDriven.Workers.Upstreams;

/// <summary>One call through a typed client's pipeline, with an open circuit reported by its cause.</summary>
internal static class UpstreamCall
{
    /// <summary>
    /// Polly's <see cref="BrokenCircuitException"/> says only "the circuit is now open"; the lookup's reason (and the
    /// operator) need what opened it, e.g. "circuit open after: Name or service not known (api.postcodes.io:443)".
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, UpstreamFailures failures, string upstream)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new UpstreamException($"{upstream}: {failures.OpenCircuit(upstream)}", e);
        }
    }
}
