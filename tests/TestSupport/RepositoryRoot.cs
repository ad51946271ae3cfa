namespace EventDriven.TestSupport;

/// <summary>The checkout's root: the folder holding EventDriven.sln, found by walking up from the test binaries.</summary>
public static class RepositoryRoot
{
    public const string SolutionFile = "EventDriven.sln";

    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}: run the tests from inside the checkout.");
    }
}
