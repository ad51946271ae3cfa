using EventDriven.Functions.Events;

namespace EventDriven.Functions.Hosting;

/// <summary>
/// A function EventBridge schedules. <see cref="HandleAsync"/> is the Lambda entry point (the managed runtime's Stream
/// signature, one method of that name so the handler string is unambiguous); <see cref="RunAsync"/> is the typed run the
/// local scheduler and the CLI call.
/// </summary>
public interface IScheduledFunction
{
    /// <summary>The Lambda handler string of this function (one of <see cref="FunctionHandlers"/>).</summary>
    string Handler { get; }

    /// <summary>Reads a scheduled event, runs, and returns the run summary as JSON; throws when the run failed so Lambda retries.</summary>
    Task<Stream> HandleAsync(Stream input);

    Task<IFunctionRunSummary> RunAsync(ScheduledEvent scheduledEvent, CancellationToken cancellationToken = default);
}

/// <summary>What a run did, for logs, the CLI and the Lambda response.</summary>
public interface IFunctionRunSummary
{
    bool Succeeded { get; }

    /// <summary>Label/value lines for a console table, in display order.</summary>
    IReadOnlyList<KeyValuePair<string, string>> Describe();
}

/// <summary>A run finished with failures; the message carries the summary. Lambda treats the invocation as failed and retries.</summary>
public sealed class FunctionRunFailedException(string message) : Exception(message);
