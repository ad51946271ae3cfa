using System.Xml.Linq;
using EventDriven.TestSupport;

namespace EventDriven.Architecture.Tests;

/// <summary>The projects of the solution as their .csproj files declare them.</summary>
internal sealed record ProjectFile(string Name, string Folder, bool IsProgram, IReadOnlyList<string> References)
{
    /// <summary>Production projects only: tests and benchmarks may reference whatever they exercise.</summary>
    public static IReadOnlyList<ProjectFile> Production()
    {
        var root = RepositoryRoot.Find();
        return Directory.GetFiles(root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !IsUnder(root, path, "tests", "bench", ".tools", "node_modules"))
            .Select(path => Read(root, path))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static ProjectFile Read(string root, string path)
    {
        var document = XDocument.Load(path);
        var sdk = document.Root?.Attribute("Sdk")?.Value ?? string.Empty;
        var outputType = document.Descendants("OutputType").Select(e => e.Value.Trim()).LastOrDefault();
        // The Web SDK makes an executable unless the project says otherwise.
        var isProgram = outputType is "Exe" or "WinExe" || (outputType is null && sdk == "Microsoft.NET.Sdk.Web");
        var folder = Path.GetDirectoryName(path)!;
        var references = document.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        return new ProjectFile(Path.GetFileNameWithoutExtension(path), Path.GetRelativePath(root, folder), isProgram, references);
    }

    private static bool IsUnder(string root, string path, params string[] folders)
    {
        var first = Path.GetRelativePath(root, path).Split(Path.DirectorySeparatorChar)[0];
        return folders.Contains(first, StringComparer.Ordinal);
    }
}
