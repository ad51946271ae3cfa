using System.Globalization;

namespace EventDriven.SagaStoreBench;

internal sealed record BenchResult(
    string Provider, string Scenario, int Instances, int Transitions, TimeSpan Elapsed, long Conflicts, int Faults, bool Complete)
{
    public double TransitionsPerSecond => Transitions / Elapsed.TotalSeconds;

    /// <summary>Lost optimistic-locking races per transition (each one a re-read and re-applied event).</summary>
    public double ConflictsPerTransition => Transitions == 0 ? 0 : (double)Conflicts / Transitions;

    public static void PrintTable(IReadOnlyList<BenchResult> results)
    {
        Console.WriteLine();
        Console.WriteLine("| provider | scenario | instances | transitions | seconds | transitions/s | conflicts | conflicts/transition | faults |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Provider} | {r.Scenario}{(r.Complete ? "" : " (INCOMPLETE)")} | {r.Instances} | {r.Transitions} | {r.Elapsed.TotalSeconds:0.00} | {r.TransitionsPerSecond:0} | {r.Conflicts} | {r.ConflictsPerTransition:0.00} | {r.Faults} |"));
        }
    }
}
