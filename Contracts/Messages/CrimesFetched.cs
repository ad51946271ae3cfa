namespace EventDriven.Contracts.Messages;

/// <summary>The crimes worker stored a result for the lookup key and each month it was asked for.</summary>
/// <param name="Month">The newest of the months stored.</param>
/// <param name="TotalCrimes">Crimes in <paramref name="Month"/>.</param>
/// <param name="DataSource"><c>police.uk</c> or <c>simulated</c>.</param>
/// <param name="Months">Every month stored (newest first); null from an older worker means <paramref name="Month"/> alone.</param>
/// <param name="PoliceLastUpdated">The oldest <c>crime-last-updated</c> the months were fetched under.</param>
/// <param name="PoliceDataUpdated">The police's last data update as the worker knew it: months fetched before it are stale.</param>
public sealed record CrimesFetched(
    Guid CorrelationId, string Month, int TotalCrimes, string DataSource, IReadOnlyList<string>? Months = null,
    string? PoliceLastUpdated = null, string? PoliceDataUpdated = null)
{
    /// <summary>The months stored, newest first, whichever worker sent this.</summary>
    public IReadOnlyList<string> MonthsStored() => Months is { Count: > 0 } months ? months : [Month];
}
