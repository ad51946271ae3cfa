namespace EventDriven.Workers.Upstreams;

/// <summary>An upstream answered something the resilience pipeline could not turn into an answer (after its retries).</summary>
public sealed class UpstreamException(string message, Exception? innerException = null) : Exception(message, innerException);
