using System.CommandLine;
using Amazon.EC2;
using EventDriven.Cli;
using EventDriven.Cli.Commands;
using EventDriven.Contracts;
using EventDriven.Persistence;
using EventDriven.Sagas;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace EventDriven.Functions.Tests;

public class When_invoking_functions_from_the_CLI_Specs
{
    private readonly TestConsole _console = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 3, 0, 5, TimeSpan.Zero));
    private readonly FakeEc2 _ec2;

    public When_invoking_functions_from_the_CLI_Specs()
    {
        _console.Profile.Width = 200;
        _ec2 = new FakeEc2(_time);
    }

    private Task<int> Run(Dictionary<string, string?> settings, Action<IServiceCollection>? services, params string[] args) =>
        Run(_console, settings, services, args);

    private async Task<int> Run(IAnsiConsole console, Dictionary<string, string?> settings, Action<IServiceCollection>? services, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var context = new CliContext(console, configuration, s =>
        {
            s.AddSingleton<TimeProvider>(_time);
            services?.Invoke(s);
        });
        var output = new StringWriter();
        // The entry point Program.cs runs, so that exit codes are the ones `eventdriven` returns.
        var exitCode = await CliApplication.RunAsync(context, args, new InvocationConfiguration { Output = output, Error = output });
        console.WriteLine(output.ToString());
        return exitCode;
    }

    [Fact]
    public async Task Should_print_what_a_snapshot_dry_run_would_do_and_change_nothing()
    {
        _ec2.AddVolume("vol-0a1b2c3d", ("eventdriven:snapshot", "true"));
        _ec2.AddOurSnapshot("snap-0old", "vol-0a1b2c3d", _time.GetUtcNow().AddDays(-30));

        var exitCode = await Run(new() { ["Snapshot:KeepNewest"] = "1" }, s => s.AddSingleton<IAmazonEC2>(_ec2.Client),
            "functions", "invoke", "snapshot", "--dry-run", "--time", "2026-11-23T03:00:00Z");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("SnapshotSchedule invoked with a scheduled event for 2026-11-23 03:00:00Z", _console.Output, StringComparison.Ordinal);
        Assert.Contains("dry run (nothing changed)", _console.Output, StringComparison.Ordinal);
        Assert.Contains("vol-0a1b2c3d -> (new)", _console.Output, StringComparison.Ordinal);
        Assert.Contains("snap-0old (vol-0a1b2c3d, 2026-10-24)", _console.Output, StringComparison.Ordinal);
        Assert.Empty(_ec2.CreateCalls);
        Assert.Empty(_ec2.DeleteCalls);
    }

    [Fact]
    public async Task Should_exit_with_1_when_the_run_had_failures()
    {
        _ec2.AddVolume("vol-busy", ("eventdriven:snapshot", "true"));
        _ec2.FailCreateFor.Add("vol-busy");

        var exitCode = await Run([], s => s.AddSingleton<IAmazonEC2>(_ec2.Client), "functions", "invoke", "snapshot");

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Contains("vol-busy (Create)", _console.Output, StringComparison.Ordinal);
        Assert.Contains("failed: see the failed row above", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_the_JSON_the_Lambda_would_return()
    {
        _ec2.AddVolume("vol-a", ("eventdriven:snapshot", "true"));

        var exitCode = await Run([], s => s.AddSingleton<IAmazonEC2>(_ec2.Client), "functions", "invoke", "snapshot", "--json", "--time", "2026-11-23T03:00:00Z");

        Assert.Equal(ExitCodes.Success, exitCode);
        using var json = System.Text.Json.JsonDocument.Parse(_console.Output);
        Assert.Equal("2026-11-23T03:00Z", json.RootElement.GetProperty("runId").GetString());
        Assert.Single(_ec2.Snapshots);
    }

    [Fact]
    public async Task Should_say_EC2_cannot_be_reached_without_a_stack_trace()
    {
        _ec2.DescribeVolumesFailure = new HttpRequestException("Name or service not known (ec2.eu-west-2.amazonaws.com:443)");

        var exitCode = await Run([], s => s.AddSingleton<IAmazonEC2>(_ec2.Client), "functions", "invoke", "snapshot", "--dry-run");

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("SnapshotSchedule could not run: Name or service not known", _console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_invalid_snapshot_options_naming_them()
    {
        var exitCode = await Run(new() { ["Snapshot:RetentionDays"] = "0" }, s => s.AddSingleton<IAmazonEC2>(_ec2.Client), "functions", "invoke", "snapshot");

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("RetentionDays", _console.Output, StringComparison.Ordinal);
        Assert.Empty(_ec2.CreateCalls);
    }

    [Fact]
    public async Task Should_refuse_scottish_postcodes_against_in_memory_stores_saying_why()
    {
        var exitCode = await Run([], null, "functions", "invoke", "scottish-postcodes");

        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("Persistence__Provider=DynamoDb", _console.Output.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_the_scottish_postcode_summary()
    {
        var reader = new ListedLookupStateReader();
        var now = _time.GetUtcNow();
        reader.Add(new CrimeLookupState
        {
            CorrelationId = Guid.NewGuid(),
            CurrentState = LookupStatus.Unsupported,
            Postcode = "EH1 1AA",
            RequestCount = 4,
            FirstRequestedAt = now.AddHours(-1),
            LastRequestedAt = now,
            UpdatedAt = now,
        });

        var exitCode = await Run([], s => s.AddSingleton<ILookupStateReader>(reader), "functions", "invoke", "scottish-postcodes");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("postcodes recorded", _console.Output, StringComparison.Ordinal);
        Assert.Contains("(first run: everything)", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_list_the_template_s_rules_with_their_next_runs()
    {
        var exitCode = await Run([], null, "functions", "schedule", "--count", "2");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Contains("SnapshotSchedule", _console.Output, StringComparison.Ordinal);
        Assert.Contains("cron(0 3 * * ? *)", _console.Output, StringComparison.Ordinal);
        Assert.Contains("rate(5 minutes)", _console.Output, StringComparison.Ordinal);
        Assert.Contains(":00", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_an_unknown_function()
    {
        var exitCode = await Run([], null, "functions", "invoke", "backup");

        // A command line that does not parse could not run: 2, not the 1 of a run that found a problem.
        Assert.Equal(ExitCodes.CannotRun, exitCode);
        Assert.Contains("backup", _console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_every_cell_on_one_line_when_the_output_is_not_a_terminal()
    {
        // Piped or redirected: Spectre cannot ask for a width and assumes 80, where this table used to wrap
        // "ScottishPostcodeSchedule" into "ScottishPostcod" / "eSchedule".
        var output = new FakeConsoleOutput(isTerminal: false, width: 80);

        var exitCode = await Run(CliContext.CreateConsole(output), [], null, "functions", "schedule", "--count", "1");

        Assert.Equal(ExitCodes.Success, exitCode);
        var rows = output.Text.Split('\n');
        Assert.Contains(rows, row => row.Contains("│ rule ", StringComparison.Ordinal) && row.Contains("│ next runs (UTC) ", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Contains("│ SnapshotSchedule ", StringComparison.Ordinal) && row.Contains("│ cron(0 3 * * ? *) ", StringComparison.Ordinal)
            && row.Contains("│ SnapshotFunction ", StringComparison.Ordinal));
        Assert.Contains(rows, row => row.Contains("│ ScottishPostcodeSchedule ", StringComparison.Ordinal)
            && row.Contains("│ ScottishPostcodeFunction ", StringComparison.Ordinal));
        Assert.True(rows.Where(r => r.StartsWith('│')).Max(r => r.TrimEnd().Length) > 80, "the table is wider than the 80 columns it would have been squeezed into");
    }

    [Fact]
    public async Task Should_still_fit_the_table_to_a_terminal()
    {
        // On a terminal the window's width is real: Spectre's wrapping is what keeps the table readable there.
        var output = new FakeConsoleOutput(isTerminal: true, width: 80);

        var exitCode = await Run(CliContext.CreateConsole(output), [], null, "functions", "schedule", "--count", "1");

        Assert.Equal(ExitCodes.Success, exitCode);
        // Only the table's lines: the closing "from <path>" line may carry colour codes, which take no columns.
        var tableRows = output.Text.Split('\n').Where(row => row.Length > 0 && "┌│├└".Contains(row[0], StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(tableRows);
        Assert.All(tableRows, row => Assert.True(row.TrimEnd().Length <= 80, row));
        Assert.DoesNotContain("ScottishPostcodeSchedule", output.Text, StringComparison.Ordinal);
    }
}
