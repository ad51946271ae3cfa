using EventDriven.Contracts;
using EventDriven.Functions.Events;
using EventDriven.Functions.Hosting;
using EventDriven.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.ScottishPostcodes;

/// <summary>
/// Scheduled (rate(5 minutes)): moves the saga's <c>Unsupported</c> (Scottish) lookups updated since the last run into the
/// unsupported-postcodes registry. The registry merges with max(count) / min(first seen) / max(last seen) and the saga's
/// request count only grows, so running twice, or two runs at once, never double-counts.
/// </summary>
public sealed class ScottishPostcodeFunction : IScheduledFunction
{
    private static readonly Lazy<IServiceProvider> LambdaProvider = new(() => LambdaServices.Build((services, configuration) =>
    {
        var provider = configuration.GetSection(PersistenceOptions.SectionName).Get<PersistenceOptions>()?.Provider ?? PersistenceProvider.InMemory;
        if (provider != PersistenceProvider.DynamoDb)
        {
            // In-memory stores live inside the API process; a Lambda has its own memory and would read nothing.
            throw new InvalidOperationException(
                $"{ConfigurationKeys.PersistenceProvider} must be DynamoDb for the Lambda function (it is {provider}); " +
                "in embedded mode the API process runs this function on its local scheduler.");
        }

        services.AddLookupPersistence(configuration);
        services.AddScottishPostcodeFunction(configuration);
    }));

    private readonly ILookupStateReader _reader;
    private readonly IUnsupportedPostcodeRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ScottishPostcodeOptions _options;
    private readonly ILogger<ScottishPostcodeFunction> _logger;

    /// <summary>For the Lambda managed runtime: services from environment variables (needs <c>Persistence__Provider=DynamoDb</c>).</summary>
    public ScottishPostcodeFunction()
        : this(LambdaProvider.Value.GetRequiredService<ScottishPostcodeFunction>())
    {
    }

    public ScottishPostcodeFunction(
        ILookupStateReader reader,
        IUnsupportedPostcodeRegistry registry,
        TimeProvider time,
        IOptions<ScottishPostcodeOptions> options,
        ILogger<ScottishPostcodeFunction> logger)
    {
        _reader = reader;
        _registry = registry;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    private ScottishPostcodeFunction(ScottishPostcodeFunction configured)
        : this(configured._reader, configured._registry, configured._time, Options.Create(configured._options), configured._logger)
    {
    }

    public string Handler => FunctionHandlers.ScottishPostcodes;

    public async Task<Stream> HandleAsync(Stream input)
    {
        var scheduledEvent = await ScheduledEvent.ReadAsync(input).ConfigureAwait(false);
        var summary = await RunAsync(scheduledEvent).ConfigureAwait(false);
        return FunctionJson.ToStream(summary);
    }

    async Task<IFunctionRunSummary> IScheduledFunction.RunAsync(ScheduledEvent scheduledEvent, CancellationToken cancellationToken) =>
        await RunAsync(scheduledEvent, cancellationToken).ConfigureAwait(false);

    public async Task<ScottishPostcodeRunSummary> RunAsync(ScheduledEvent scheduledEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduledEvent);

        // Taken before reading: anything updated from now on has UpdatedAt >= runStart and is read by the next run.
        var runStart = _time.GetUtcNow();
        var watermark = await _registry.GetWatermarkAsync(cancellationToken).ConfigureAwait(false);
        var readFrom = watermark - _options.Overlap;

        int read = 0, recorded = 0, pages = 0, skipped = 0;
        string? pageToken = null;
        do
        {
            var page = await _reader.ListByStateAsync(LookupStatus.Unsupported, _options.PageSize, pageToken, readFrom, cancellationToken).ConfigureAwait(false);
            pages++;
            foreach (var instance in page.Items)
            {
                read++;
                if (string.IsNullOrEmpty(instance.Postcode) || instance.RequestCount <= 0)
                {
                    // Unsupported is reached only from a postcode request, so this is a damaged item: report it, don't guess.
                    skipped++;
                    _logger.LogWarning("Skipping unsupported lookup {CorrelationId}: no postcode or request count.", instance.LookupId);
                    continue;
                }

                await _registry.RecordAsync(
                    new UnsupportedPostcodeEntry(instance.Postcode, instance.RequestCount, instance.FirstRequestedAt, instance.LastRequestedAt),
                    cancellationToken).ConfigureAwait(false);
                recorded++;
            }

            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        // Only after every page is merged: a run that dies half-way is simply redone by the next one.
        await _registry.SetWatermarkAsync(runStart, cancellationToken).ConfigureAwait(false);

        var summary = new ScottishPostcodeRunSummary(scheduledEvent.Id, scheduledEvent.Time, readFrom, runStart, pages, read, recorded, skipped);
        _logger.LogInformation(
            "Scottish postcodes: read {Read} unsupported lookups updated since {ReadFrom} in {Pages} page(s), recorded {Recorded}, skipped {Skipped}.",
            read, readFrom?.ToString("O") ?? "the beginning", pages, recorded, skipped);
        return summary;
    }
}

/// <summary>What one run of <see cref="ScottishPostcodeFunction"/> did.</summary>
public sealed record ScottishPostcodeRunSummary(
    string EventId,
    DateTimeOffset ScheduledTime,
    DateTimeOffset? ReadFrom,
    DateTimeOffset NewWatermark,
    int Pages,
    int Read,
    int Recorded,
    int Skipped) : IFunctionRunSummary
{
    public bool Succeeded => true;

    public IReadOnlyList<KeyValuePair<string, string>> Describe() =>
    [
        new("event", EventId),
        new("scheduled time", ScheduledTime.ToString("u")),
        new("read updates since", ReadFrom?.ToString("u") ?? "(first run: everything)"),
        new("new watermark", NewWatermark.ToString("u")),
        new("pages", Pages.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("unsupported lookups read", Read.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("postcodes recorded", Recorded.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("skipped (damaged)", Skipped.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
