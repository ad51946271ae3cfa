using System.Globalization;
using EventDriven.Sagas;

namespace EventDriven.Persistence.History;

/// <summary>A lookup as its history sees it: the fields of its <see cref="LookupSnapshot"/>, named as the admin API names them.</summary>
public sealed class LookupStateDescriber : ISagaDescriber<CrimeLookupState>
{
    /// <summary>Changed by every request or save; a save that changes only these is a duplicate request counted, not a transition.</summary>
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "requestCount", "lastRequestedAt", "updatedAt", "version" };

    public string StateOf(CrimeLookupState instance) =>
        string.IsNullOrEmpty(instance.CurrentState) ? LookupStateDiagram.InitialState : instance.CurrentState;

    public IReadOnlyList<KeyValuePair<string, string?>> FieldsOf(CrimeLookupState instance)
    {
        var s = instance.ToSnapshot();
        return
        [
            new("lookupKey", string.IsNullOrEmpty(s.LookupKey) ? null : s.LookupKey),
            new("postcode", s.Postcode),
            new("latitude", Text(s.Latitude)),
            new("longitude", Text(s.Longitude)),
            new("country", s.Country),
            new("month", s.Month),
            new("totalCrimes", s.TotalCrimes?.ToString(CultureInfo.InvariantCulture)),
            new("dataSource", s.DataSource),
            new("reason", s.Reason),
            new("attempts", s.Attempts.ToString(CultureInfo.InvariantCulture)),
            new("requestCount", s.RequestCount.ToString(CultureInfo.InvariantCulture)),
            new("attemptStartedAt", Text(s.AttemptStartedAt)),
            new("completedAt", Text(s.CompletedAt)),
            new("lastRequestedAt", Text(s.RequestCount == 0 ? null : s.LastRequestedAt)),
            new("updatedAt", Text(s.RequestCount == 0 ? null : s.UpdatedAt)),
        ];
    }

    public bool IsBookkeeping(string field) => Bookkeeping.Contains(field);

    private static string? Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static string? Text(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
