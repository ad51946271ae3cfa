using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using EventDriven.TestSupport;

namespace EventDriven.Infrastructure.Tests.Templates;

/// <summary>
/// Runs the linters on a template: cfn-lint from npm (installed into .tools/ by scripts/install.d/20-cfn-lint.sh:
/// the team's required gate) and, where the machine has it, AWS's own cfn-lint (Python), which knows today's resource
/// schemas where the npm one knows the 2019 specification.
/// </summary>
public static partial class CfnLint
{
    public sealed record Result(string Linter, int ExitCode, string Output)
    {
        public override string ToString() => $"{Linter} exited {ExitCode}:{Environment.NewLine}{Output}";
    }

    public static string NpmBinary { get; } = Path.Combine(RepositoryRoot.Find(), ".tools", "node_modules", ".bin", "cfn-lint");

    /// <summary>AWS cfn-lint on the PATH, or pyenv's shim (CI shells do not always read the profile that adds it).</summary>
    public static string? AwsBinary { get; } = FindAwsBinary();

    public static Result RunNpm(string templatePath, string? environment)
    {
        if (!File.Exists(NpmBinary))
        {
            throw new FileNotFoundException($"cfn-lint is not installed at {NpmBinary}: run scripts/install.d/20-cfn-lint.sh (scripts/test.sh does).");
        }

        var arguments = new List<string> { "validate", templatePath };
        if (environment is not null)
        {
            arguments.AddRange(["--parameters", $"EnvironmentName={environment}"]);
        }

        return Run("cfn-lint (npm)", NpmBinary, arguments);
    }

    public static Result RunAws(string templatePath) =>
        Run("cfn-lint (AWS)", AwsBinary ?? throw new InvalidOperationException("AWS cfn-lint is not on this machine."), [templatePath]);

    /// <summary>AWS cfn-lint's exit code is a bit field: 2 = errors, 4 = warnings, 8 = informational.</summary>
    public static bool AwsFoundErrors(Result result) => (result.ExitCode & 2) != 0 || (result.ExitCode & 1) != 0;

    private static Result Run(string linter, string binary, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        var output = new StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        output.Append(process.StandardOutput.ReadToEnd());
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{linter} did not finish within 2 minutes on {string.Join(' ', arguments)}");
        }

        output.Append(stderr.Result);
        return new Result(linter, process.ExitCode, AnsiEscape().Replace(output.ToString(), ""));
    }

    private static string? FindAwsBinary()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv", "shims"))
            .Select(directory => Path.Combine(directory, "cfn-lint"))
            .Where(File.Exists)
            // the npm one is in .tools/, never on the PATH; anything else named cfn-lint must answer --version
            .Where(path => !path.Contains(".tools", StringComparison.Ordinal));
        foreach (var candidate in candidates)
        {
            try
            {
                var version = Run("cfn-lint --version", candidate, ["--version"]);
                if (version.ExitCode == 0 && version.Output.StartsWith("cfn-lint", StringComparison.Ordinal))
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not executable: try the next one
            }
        }

        return null;
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
