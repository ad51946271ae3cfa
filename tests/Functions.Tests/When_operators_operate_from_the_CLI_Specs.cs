using System.CommandLine;
using System.Text.Json;
using EventDriven.Cli;
using EventDriven.Cli.Commands;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using EventDriven.Persistence.InMemory;
using EventDriven.Persistence.Operations;
using EventDriven.Sagas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Testing;

namespace EventDriven.Functions.Tests;

/// <summary>
/// The operations commands over the real in-memory stores (as the shared store would hand them over); the broker's
/// side (replays, purges, re-drives against RabbitMQ) is covered in tests/Distributed.Tests.
/// </summary>
public sealed class When_operators_operate_from_the_CLI_Specs
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddMinutes(-30);
    private readonly TestConsole _console = new();
    private readonly ListedLookupStateReader _lookups = new();
    private readonly InMemoryLookupHistory _history = new();
    private readonly InMemoryAuditTrail _audit = new();
    private readonly ListedDeadLetters _deadLetters = new();

    // As the CLI's own console when its output is not a terminal: no wrapping, so JSON stays JSON.
    public When_operators_operate_from_the_CLI_Specs() => _console.Profile.Width = CliContext.UnwrappedWidth;

    private async Task<int> Run(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var context = new CliContext(_console, configuration, s =>
        {
            s.AddSingleton<ILookupStateReader>(_lookups);
            s.AddSingleton<ILookupHistory>(_history);
            s.AddSingleton<IAuditTrail>(_audit);
            s.AddSingleton<IReplayJobStore>(new InMemoryReplayJobStore());
            s.AddSingleton<IDeadLetterService>(_deadLetters);
        });
        var stdout = new StringWriter();
        var exitCode = await CliApplication.RunAsync(context, args, new InvocationConfiguration { Output = stdout, Error = stdout });
        _console.WriteLine(stdout.ToString());
        return exitCode;
    }

    [Fact]
    public async Task Should_print_a_lookups_history_oldest_first_as_a_table_and_as_json()
    {
        var lookup = Add(LookupKey.For(Postcode.Parse("SW1A 1AA")), LookupStatus.Completed);
        await _history.AppendAsync(lookup.CorrelationId, new UpstreamCallEntry(T0.AddSeconds(2), "police-api", "GET", "http://police/crimes", 429, null, 3, 1, 850, null));
        await _history.AppendAsync(lookup.CorrelationId, new TransitionEntry(T0.AddSeconds(1), "Initial", "Geocoding", "PostcodeRequested", Guid.NewGuid(), 0,
            [new FieldChange("attempts", "0", "1")]));

        var exitCode = await Run("lookups", "history", "--postcode", "sw1a1aa");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _console.Output;
        Assert.True(output.IndexOf("Initial -> Geocoding on PostcodeRequested: attempts 0 -> 1", StringComparison.Ordinal) <
                    output.IndexOf("police-api GET http://police/crimes -> 429 in 3 ms (attempt 1, budget wait 850 ms)", StringComparison.Ordinal));
        Assert.Contains("2 entries.", output, StringComparison.Ordinal);

        var before = _console.Output.Length;
        Assert.Equal(ExitCodes.Success, await Run("lookups", "history", lookup.CorrelationId.ToString(), "--json"));
        using var json = JsonDocument.Parse(_console.Output[before..].Trim());
        Assert.Equal(["transition", "upstream"], json.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(850, json.RootElement.GetProperty("entries")[1].GetProperty("budgetWaitMs").GetDouble());
    }

    [Fact]
    public async Task Should_list_stuck_lookups_with_their_cause_and_fix_and_exit_1()
    {
        var stuck = Add(LookupKey.For(Coordinates.Create(52.6297, -1.1316)), LookupStatus.FetchingCrimes, s => s.AttemptStartedAt = T0);
        Add(LookupKey.For(Coordinates.Create(53.8, -1.55)), LookupStatus.FetchingCrimes, s => s.AttemptStartedAt = DateTimeOffset.UtcNow);
        for (var i = 0; i < 3; i++)
        {
            // Each answered 429 after 4 s: the last came at T0 + 3 s + 4 s.
            await _history.AppendAsync(stuck.CorrelationId, new UpstreamCallEntry(T0.AddSeconds(i + 1), "police-api", "GET", "http://police/crimes", 429, null, 4000, i + 1, 0, null));
        }

        _deadLetters.Listing = new DeadLetterListing(
            [new DeadLetterQueueCount(QueueNames.FetchCrimes, QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), 1)],
            [new DeadLetterEntry(QueueNames.FetchCrimes, "msg-7", "FetchCrimes", stuck.CorrelationId, "data.police.uk answered 429 Too Many Requests", "UpstreamException", T0.AddMinutes(1))]);

        var exitCode = await Run("lookups", "stuck", "--older-than", "00:10:00");

        Assert.Equal(ExitCodes.Failed, exitCode);
        var output = _console.Output;
        Assert.Contains($"waiting for CrimesFetched since {T0.UtcDateTime:HH:mm:ss}Z; last police call 429 x3 at {T0.AddSeconds(7).UtcDateTime:HH:mm:ss}Z", output, StringComparison.Ordinal);
        Assert.Contains("its command has been in fetch-crimes_error since", output, StringComparison.Ordinal);
        Assert.Contains("eventdriven dead-letters replay --queue fetch-crimes --message-id msg-7", output, StringComparison.Ordinal);
        Assert.Contains("1 stuck lookup(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_group_dead_letters_by_signature()
    {
        DeadLetterEntry Dead(string id, string reason, string type, int minute) =>
            new(QueueNames.FetchCrimes, id, "FetchCrimes", Guid.NewGuid(), reason, type, T0.AddMinutes(minute));
        _deadLetters.Listing = new DeadLetterListing(
            [new DeadLetterQueueCount(QueueNames.FetchCrimes, QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), 3)],
            [
                Dead("a", "data.police.uk answered 429 Too Many Requests for crimes-street.", "EventDriven.Workers.Upstreams.UpstreamException", 1),
                Dead("b", "police-api: circuit open after: Connection refused (127.0.0.1:5080)", "EventDriven.Workers.Upstreams.UpstreamException", 2),
                Dead("c", "data.police.uk answered 429 Too Many Requests for crimes-street.", "EventDriven.Workers.Upstreams.UpstreamException", 3),
            ]);

        var exitCode = await Run("dead-letters", "groups", "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = JsonDocument.Parse(_console.Output.Trim());
        var groups = json.RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal([("429", 2), ("connection refused", 1)], groups.Select(g => (g.GetProperty("statusClass").GetString(), g.GetProperty("count").GetInt32())));
        Assert.Equal("c", groups[0].GetProperty("example").GetProperty("messageId").GetString());
        Assert.Equal(T0.AddMinutes(1), groups[0].GetProperty("firstSeen").GetDateTimeOffset());
    }

    [Fact]
    public async Task Should_not_purge_without_a_yes_where_nobody_can_answer()
    {
        _deadLetters.Listing = new DeadLetterListing(
            [new DeadLetterQueueCount(QueueNames.FetchCrimes, QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), 1)],
            [new DeadLetterEntry(QueueNames.FetchCrimes, "a", "FetchCrimes", Guid.NewGuid(), "answered 500", "UpstreamException", T0)]);
        var group = FailureSignature.Of(_deadLetters.Listing.Entries[0]).Id;

        var exitCode = await Run("dead-letters", "purge", "--group", group);

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("Not confirmed: run it again with --yes", _console.Output, StringComparison.Ordinal);
        Assert.Empty((await _audit.ListAsync(10)).Items); // nothing done, nothing audited
    }

    [Fact]
    public async Task Should_count_lookups_per_state_and_print_the_machines_diagram()
    {
        Add(LookupKey.For(Postcode.Parse("M1 1AE")), LookupStatus.Completed);
        Add(LookupKey.For(Postcode.Parse("M2 1AE")), LookupStatus.Completed);
        Add(LookupKey.For(Postcode.Parse("M3 1AE")), LookupStatus.Failed);

        var exitCode = await Run("lookups", "states", "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = JsonDocument.Parse(_console.Output.Trim());
        var counts = json.RootElement.GetProperty("states").EnumerateArray().ToDictionary(s => s.GetProperty("state").GetString()!, s => s.GetProperty("count").GetInt64());
        Assert.Equal((2, 1, 0), (counts["Completed"], counts["Failed"], counts["Geocoding"]));
        Assert.StartsWith("stateDiagram-v2\n    [*] --> Geocoding: PostcodeRequested", json.RootElement.GetProperty("diagram").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_the_audit_trail_newest_first()
    {
        await _audit.RecordAsync(new AuditRecord("1", T0, "alice", AuditActions.Redrive, "lookup x", 1, "sent FetchCrimes"));
        await _audit.RecordAsync(new AuditRecord("2", T0.AddMinutes(1), "cli:ops@box", AuditActions.Purge, "group 3f2a9c1e", 37, "purged 37"));

        var exitCode = await Run("audit", "list");

        Assert.Equal(ExitCodes.Success, exitCode);
        var output = _console.Output;
        Assert.True(output.IndexOf("cli:ops@box", StringComparison.Ordinal) < output.IndexOf("alice", StringComparison.Ordinal));
        Assert.Contains("purged 37", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lookups", "stuck", "--older-than", "soon")]
    [InlineData("lookups", "stuck", "--limit", "0")]
    [InlineData("audit", "list", "--limit", "5000")]
    [InlineData("audit", "list", "--page-token", "nonsense")]
    [InlineData("dead-letters", "replay", "--rate", "0")]
    [InlineData("dead-letters", "replay", "--first", "0")]
    [InlineData("lookups", "history", "not-a-guid")]
    public async Task Should_name_the_problem_of_bad_input_and_exit_2(params string[] args)
    {
        var exitCode = await Run(args);

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.NotEmpty(_console.Output.Trim());
    }

    [Fact]
    public async Task Should_say_that_an_embedded_processes_history_is_only_in_its_memory()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var exitCode = await CliApplication.RunAsync(new CliContext(_console, configuration), ["lookups", "history", Guid.NewGuid().ToString()]);

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("lives in the API process's memory", _console.Output, StringComparison.Ordinal);
    }

    private CrimeLookupState Add(LookupKey key, string status, Action<CrimeLookupState>? change = null)
    {
        var state = new CrimeLookupState
        {
            CorrelationId = key.CorrelationId,
            CurrentState = status,
            LookupKey = key.Value,
            Postcode = key.Postcode?.Value,
            Latitude = key.Coordinates?.Latitude,
            Longitude = key.Coordinates?.Longitude,
            CreatedAt = T0.AddMinutes(-1),
            UpdatedAt = T0,
            Attempts = 1,
            RequestCount = 1,
        };
        change?.Invoke(state);
        _lookups.Add(state);
        return state;
    }

    /// <summary>A broker's error queues as a fixed listing (reading is all these commands do with them).</summary>
    private sealed class ListedDeadLetters : IDeadLetterService
    {
        public DeadLetterListing Listing { get; set; } = new([], []);

        public Task<DeadLetterListing> ListAsync(string? queue = null, int maxPerQueue = 100, CancellationToken cancellationToken = default) =>
            Task.FromResult(Listing);

        public Task<DeadLetterReplayResult> ReplayAsync(DeadLetterReplayRequest request, IProgress<DeadLetterReplayProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("replays are tested against RabbitMQ");
    }
}
