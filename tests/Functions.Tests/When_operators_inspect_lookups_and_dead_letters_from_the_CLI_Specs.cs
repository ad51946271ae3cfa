using System.CommandLine;
using System.Text.Json;
using EventDriven.Cli;
using EventDriven.Cli.Commands;
using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Persistence;
using EventDriven.Sagas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Testing;

namespace EventDriven.Functions.Tests;

public sealed class When_operators_inspect_lookups_and_dead_letters_from_the_CLI_Specs
{
    private readonly TestConsole _console = new();
    private readonly StoredLookups _lookups = new();
    private readonly RecordingDeadLetters _deadLetters = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    public When_operators_inspect_lookups_and_dead_letters_from_the_CLI_Specs() => _console.Profile.Width = 220;

    private Task<int> Run(params string[] args) => RunOn(_console, args);

    private async Task<int> RunOn(IAnsiConsole console, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var context = new CliContext(console, configuration, s =>
        {
            s.AddSingleton<ILookupStateReader>(_lookups);
            s.AddSingleton<IDeadLetterService>(_deadLetters);
        });
        // The entry point Program.cs runs, so that exit codes are the ones `eventdriven` returns; System.CommandLine's own
        // output (help, parse errors) is kept apart by stream and also copied to the console the assertions read.
        var exitCode = await CliApplication.RunAsync(context, args, new InvocationConfiguration { Output = _stdout, Error = _stderr });
        console.WriteLine(_stdout.ToString());
        console.WriteLine(_stderr.ToString());
        return exitCode;
    }

    [Fact]
    public async Task Should_show_a_lookup_found_by_postcode_in_any_spelling()
    {
        var state = _lookups.Add(LookupKey.For(Postcode.Parse("SW1A 1AA")), LookupStatus.Completed, s => { s.TotalCrimes = 63; s.Month = "2026-09"; });

        var exitCode = await Run("lookups", "show", "--postcode", "sw1a1aa");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains(state.CorrelationId.ToString(), _console.Output, StringComparison.Ordinal);
        Assert.Contains("Completed", _console.Output, StringComparison.Ordinal);
        Assert.Contains("2026-09", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_json_for_scripts()
    {
        var state = _lookups.Add(LookupKey.For(Coordinates.Create(52.6297, -1.1316)), LookupStatus.Failed, s => s.FailureReason = "too dense");

        var exitCode = await Run("lookups", "show", "--latitude", "52.6297", "--longitude", "-1.1316", "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = JsonDocument.Parse(_console.Output.Trim());
        Assert.Equal(state.CorrelationId, json.RootElement.GetProperty("lookupId").GetGuid());
        Assert.Equal("too dense", json.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_list_a_state_with_paging()
    {
        for (var i = 0; i < 3; i++)
        {
            _lookups.Add(LookupKey.For(Postcode.Parse($"M{i + 1} 1AE")), LookupStatus.Failed, s => s.FailureReason = $"reason {i}");
        }

        var exitCode = await Run("lookups", "list", "--state", "failed", "--limit", "2");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("2 lookup(s) in state Failed.", _console.Output, StringComparison.Ordinal);
        Assert.Contains("--page-token 2", _console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lookups", "show", "not-a-guid")]
    [InlineData("lookups", "show", "--postcode", "QQ1 1AA")]
    [InlineData("lookups", "show")]
    [InlineData("lookups", "list", "--state", "Sleeping")]
    public async Task Should_name_the_problem_and_exit_2(params string[] args)
    {
        var exitCode = await Run(args);

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.DoesNotContain("   at ", _console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unrecognized command or argument 'bogus'", "lookups", "bogus")]
    [InlineData("Unrecognized command or argument 'bogus'", "bogus")]
    [InlineData("Unrecognized command or argument '--bogus'", "lookups", "list", "--state", "Failed", "--bogus")]
    [InlineData("Option '--state' is required.", "lookups", "list")]
    [InlineData("Cannot parse argument 'many' for option '--limit'", "lookups", "list", "--state", "Failed", "--limit", "many")]
    public async Task Should_exit_2_with_the_parser_s_error_on_stderr_when_the_command_line_does_not_parse(string error, params string[] args)
    {
        var exitCode = await Run(args);

        // 1 means "ran and found a problem" (e.g. an unknown lookup); a command line that does not parse never ran.
        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains(error, _stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(error, _stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("lookup(s) in state", _console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("lookups", "list", "--help")]
    public async Task Should_exit_0_for_help_even_without_the_required_options(params string[] args)
    {
        var exitCode = await Run(args);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("Usage:", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Empty(_stderr.ToString());
    }

    [Fact]
    public async Task Should_keep_long_values_on_one_line_when_the_output_is_not_a_terminal()
    {
        const string reason = "Police API answered 503 Service Unavailable for every one of the 5 attempts over 10 minutes (last: upstream connect error or disconnect/reset before headers)";
        var state = _lookups.Add(LookupKey.For(Postcode.Parse("SW1A 1AA")), LookupStatus.Failed, s => s.FailureReason = reason);
        var output = new FakeConsoleOutput(isTerminal: false, width: 80);

        var exitCode = await RunOn(CliContext.CreateConsole(output), "lookups", "list", "--state", "Failed");

        Assert.Equal(ExitCodes.Success, exitCode);
        // The row a script greps for: id, key and the whole reason on one line, as the store holds them.
        Assert.Contains(output.Text.Split('\n'), row => row.Contains($"│ {state.CorrelationId} │ postcode:SW1A 1AA │", StringComparison.Ordinal)
            && row.Contains($"│ {reason} │", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_print_json_that_still_parses_when_the_output_is_not_a_terminal()
    {
        // Spectre wrapped long JSON lines at 80 columns, putting line breaks inside string values.
        var reason = string.Join(' ', Enumerable.Repeat("the police API timed out", 8));
        var state = _lookups.Add(LookupKey.For(Postcode.Parse("M1 1AE")), LookupStatus.Failed, s => s.FailureReason = reason);
        var output = new FakeConsoleOutput(isTerminal: false, width: 80);

        var exitCode = await RunOn(CliContext.CreateConsole(output), "lookups", "show", state.CorrelationId.ToString(), "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = JsonDocument.Parse(output.Text.Trim());
        Assert.Equal(reason, json.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Should_exit_1_for_an_unknown_lookup()
    {
        var exitCode = await Run("lookups", "show", Guid.NewGuid().ToString());

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("No lookup has the id", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_dead_letters_per_queue()
    {
        var id = Guid.NewGuid();
        _deadLetters.Listing = new DeadLetterListing(
            [new DeadLetterQueueCount(QueueNames.GeocodePostcode, QueueNames.ErrorQueueOf(QueueNames.GeocodePostcode), 1)],
            [new DeadLetterEntry(QueueNames.GeocodePostcode, "msg-1", "GeocodePostcode", id, "Simulated outage", "HttpRequestException", DateTimeOffset.UtcNow)]);

        var exitCode = await Run("dead-letters", "list");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("geocode-postcode_error", _console.Output, StringComparison.Ordinal);
        Assert.Contains(id.ToString(), _console.Output, StringComparison.Ordinal);
        Assert.Contains("Simulated outage", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_replay_with_progress_and_pass_the_selection_through()
    {
        var exitCode = await Run("dead-letters", "replay", "--queue", "fetch-crimes", "--dry-run");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal(new DeadLetterReplayRequest("fetch-crimes", null, true), _deadLetters.LastRequest);
        Assert.Contains("fetch-crimes: 3 would be replayed", _console.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run: 3 message(s) in all.", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_explain_why_dead_letters_cannot_be_read()
    {
        _deadLetters.Unavailable = "Dead letters are only kept by RabbitMQ";

        var exitCode = await Run("dead-letters", "list");

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("only kept by RabbitMQ", _console.Output, StringComparison.Ordinal);
    }

    /// <summary>The listed reader with a shorthand for adding a lookup by key.</summary>
    private sealed class StoredLookups : ILookupStateReader
    {
        private readonly ListedLookupStateReader _reader = new();
        private int _count;

        public CrimeLookupState Add(LookupKey key, string status, Action<CrimeLookupState>? change = null)
        {
            var state = new CrimeLookupState
            {
                CorrelationId = key.CorrelationId,
                CurrentState = status,
                LookupKey = key.Value,
                Postcode = key.Postcode?.Value,
                UpdatedAt = DateTimeOffset.UtcNow.AddSeconds(_count++),
                Attempts = 1,
                RequestCount = 1,
            };
            change?.Invoke(state);
            _reader.Add(state);
            return state;
        }

        public Task<LookupSnapshot?> GetAsync(Guid correlationId, CancellationToken cancellationToken = default) =>
            _reader.GetAsync(correlationId, cancellationToken);

        public Task<IReadOnlyList<Guid>> ListInFlightAsync(string requestedBy, int limit, CancellationToken cancellationToken = default) =>
            _reader.ListInFlightAsync(requestedBy, limit, cancellationToken);

        public Task<LookupStatePage> ListByStateAsync(string state, int limit, string? pageToken = null, DateTimeOffset? updatedSince = null, CancellationToken cancellationToken = default) =>
            _reader.ListByStateAsync(state, limit, pageToken, updatedSince, cancellationToken);
    }

    private sealed class RecordingDeadLetters : IDeadLetterService
    {
        public DeadLetterListing Listing { get; set; } = new([], []);
        public DeadLetterReplayRequest? LastRequest { get; private set; }
        public string? Unavailable { get; set; }

        public Task<DeadLetterListing> ListAsync(string? queue = null, int maxPerQueue = 100, CancellationToken cancellationToken = default) =>
            Unavailable is null ? Task.FromResult(Listing) : throw new DeadLettersUnavailableException(Unavailable);

        public Task<DeadLetterReplayResult> ReplayAsync(DeadLetterReplayRequest request, IProgress<DeadLetterReplayProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            LastRequest = request;
            for (var done = 1; done <= 3; done++)
            {
                progress?.Report(new DeadLetterReplayProgress("fetch-crimes", done, 3));
            }

            return Task.FromResult(new DeadLetterReplayResult(request.DryRun, [new DeadLetterReplayedQueue("fetch-crimes", 3, ["a", "b", "c"])]));
        }
    }
}
