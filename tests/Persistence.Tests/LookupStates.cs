using EventDriven.Contracts;
using EventDriven.Contracts.Values;
using EventDriven.Sagas;

namespace EventDriven.Persistence.Tests;

internal static class LookupStates
{
    public static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 1, 9, 30, 15, TimeSpan.Zero).AddTicks(1234567);

    /// <summary>A completed postcode lookup with every property set, so a round trip checks each attribute.</summary>
    public static CrimeLookupState Completed(string postcode = "SW1A 1AA", DateTimeOffset? updatedAt = null)
    {
        var key = LookupKey.For(Postcode.Parse(postcode));
        var at = updatedAt ?? T0;
        return new CrimeLookupState
        {
            CorrelationId = key.CorrelationId,
            CurrentState = LookupStatus.Completed,
            LookupKey = key.Value,
            Postcode = key.Postcode!.Value.Value,
            Latitude = 51.501009,
            Longitude = -0.141588,
            Country = "England",
            PoliceForceArea = "Metropolitan Police",
            Month = "2026-09",
            Months = ["2026-09", "2026-08", "2026-07"],
            PoliceLastUpdated = "2026-10-01",
            PendingMonths = ["2026-06"],
            TotalCrimes = 321,
            DataSource = "simulated",
            FailureReason = null,
            Attempts = 2,
            RequestCount = 7,
            CreatedAt = at.AddHours(-3),
            UpdatedAt = at,
            FirstRequestedAt = at.AddHours(-3).AddSeconds(-1),
            LastRequestedAt = at.AddMinutes(-2),
            AttemptStartedAt = at.AddMinutes(-1),
            CompletedAt = at,
        };
    }

    public static CrimeLookupState InState(string state, int n, DateTimeOffset updatedAt)
    {
        const string inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"; // the letters the inward code allows
        var instance = Completed($"M1 {n % 10}A{inwardLetters[n / 10 % inwardLetters.Length]}", updatedAt);
        instance.CurrentState = state;
        return instance;
    }

    /// <summary>A postcode lookup whose last attempt failed a minute ago (a new request starts another attempt).</summary>
    public static CrimeLookupState Failed(LookupKey key)
    {
        var instance = Completed(key.Postcode!.Value.Value, DateTimeOffset.UtcNow.AddMinutes(-1));
        instance.CurrentState = LookupStatus.Failed;
        instance.Attempts = 1;
        instance.RequestCount = 1;
        instance.Month = null;
        instance.TotalCrimes = null;
        instance.DataSource = null;
        instance.FailureReason = "Geocoding failed: outage";
        return instance;
    }
}
