using System.Diagnostics.Metrics;
using EventDriven.Contracts.Messages;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// Makes unsupported (Scottish) requests visible as they happen: a metric and a structured log line. The registry
/// itself is filled by the ScottishPostcodeFunction from the saga's Unsupported instances.
/// </summary>
public sealed partial class UnsupportedPostcodeRecorder(ILogger<UnsupportedPostcodeRecorder> logger, IMeterFactory meters) : IConsumer<UnsupportedPostcodeRequested>
{
    private readonly Counter<long> _requests = meters.Create(Sagas.LookupMetrics.MeterName)
        .CreateCounter<long>("lookups.unsupported", description: "Requests for postcodes data.police.uk does not cover");

    public Task Consume(ConsumeContext<UnsupportedPostcodeRequested> context)
    {
        _requests.Add(1, new KeyValuePair<string, object?>("country", context.Message.Country));
        LogUnsupported(logger, context.Message.Postcode, context.Message.Country, context.Message.CorrelationId);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsupported postcode {Postcode} ({Country}) requested, lookup {CorrelationId}")]
    private static partial void LogUnsupported(ILogger logger, string postcode, string country, Guid correlationId);
}
