using EventDriven.TestSupport;

namespace EventDriven.Architecture.Tests;

public sealed class When_checking_the_project_graph_Specs
{
    private static readonly IReadOnlyList<ProjectFile> Projects = ProjectFile.Production();

    [Fact]
    public void Should_find_the_programs_and_the_libraries()
    {
        var programs = Projects.Where(p => p.IsProgram).Select(p => p.Name).ToList();

        // What runs: the API host, the worker host, the operator tool, the standalone simulator.
        Assert.Equal(["Cli", "Consumers", "Producers", "SimulatorServer"], programs);
        Assert.Equal(["Contracts", "Functions", "Hosting", "Persistence", "Sagas", "Simulator", "Workers"],
            Projects.Where(p => !p.IsProgram).Select(p => p.Name).ToList());
    }

    [Fact]
    public void Should_have_no_program_reference_another_program()
    {
        var programs = Projects.Where(p => p.IsProgram).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var offending = Projects
            .SelectMany(p => p.References.Where(programs.Contains).Select(r => $"{p.Name} -> {r}"))
            .ToList();

        Assert.True(offending.Count == 0, "Projects that reference a program: " + string.Join(", ", offending));
    }

    [Fact]
    public void Should_reference_the_simulator_only_from_the_offline_demo_and_its_standalone_host()
    {
        var referencing = Projects.Where(p => p.References.Contains("Simulator")).Select(p => p.Name).ToList();

        // Producers composes it under the embedded workers when Upstreams__Simulate=true; nothing else in production may.
        Assert.Equal(["Producers", "SimulatorServer"], referencing);
    }

    [Fact]
    public void Should_keep_every_program_file_short()
    {
        foreach (var program in Projects.Where(p => p.IsProgram))
        {
            var path = Path.Combine(RepositoryRoot.Find(), program.Folder, "Program.cs");
            var lines = File.ReadAllLines(path).Count(line => !string.IsNullOrWhiteSpace(line));

            // What a process runs is said in one composition class; Program.cs only builds and runs it.
            Assert.True(lines <= 15, $"{program.Folder}/Program.cs has {lines} non-blank lines; move registration into an Extensions class.");
        }
    }
}
