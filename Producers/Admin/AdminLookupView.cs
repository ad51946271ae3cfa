using EventDriven.Sagas;

namespace EventDriven.Producers.Admin;

/// <summary>Everything the saga knows about a lookup, for operators.</summary>
public sealed record AdminLookupView(
    Guid LookupId,
    string Status,
    string LookupKey,
    string? Postcode,
    double? Latitude,
    double? Longitude,
    string? Country,
    string? Month,
    int? TotalCrimes,
    string? DataSource,
    string? Reason,
    int Attempts,
    long RequestCount,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset FirstRequestedAt,
    DateTimeOffset LastRequestedAt,
    DateTimeOffset? AttemptStartedAt,
    DateTimeOffset? CompletedAt)
{
    public static AdminLookupView From(CrimeLookupState s) => new(
        s.CorrelationId, s.CurrentState, s.LookupKey, s.Postcode, s.Latitude, s.Longitude, s.Country, s.Month, s.TotalCrimes,
        s.DataSource, s.FailureReason, s.Attempts, s.RequestCount, s.Version, s.CreatedAt, s.UpdatedAt, s.FirstRequestedAt,
        s.LastRequestedAt, s.AttemptStartedAt, s.CompletedAt);
}

public sealed record AdminLookupPage(IReadOnlyList<AdminLookupView> Items, string? NextPageToken);
