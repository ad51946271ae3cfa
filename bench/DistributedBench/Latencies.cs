using System.Globalization;

namespace EventDriven.DistributedBench;

/// <summary>Times in milliseconds, with their median, 95th percentile and maximum.</summary>
internal sealed record Latencies(IReadOnlyList<double> Milliseconds)
{
    public double Median => Percentile(0.5);

    public double P95 => Percentile(0.95);

    public double Max => Milliseconds.DefaultIfEmpty(0).Max();

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds.Count} lookups, p50 {Median:0} ms, p95 {P95:0} ms, max {Max:0} ms");

    private double Percentile(double p)
    {
        var sorted = Milliseconds.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }
}
