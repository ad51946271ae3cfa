using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts;
using EventDriven.Sagas;
using MassTransit;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// The item of one <see cref="CrimeLookupState"/>. <c>State</c> and <c>UpdatedAt</c> are the ByState GSI's keys.
/// Finished instances get a TTL (see <see cref="RetentionFor"/>); instances in progress and Unsupported ones never expire.
/// </summary>
public sealed class CrimeLookupStateItemMapper : IDynamoSagaItemMapper<CrimeLookupState>
{
    /// <summary>State names the store accepts: the lookup states, plus MassTransit's own before the first and after the last event.</summary>
    private static readonly HashSet<string> KnownStates = new([.. LookupStatus.All, LookupStateDiagram.InitialState, "Final"], StringComparer.Ordinal);

    /// <summary>How long a finished instance is kept after its last change (<see cref="LookupRetention.ForState"/>).</summary>
    public static TimeSpan? RetentionFor(string state) => LookupRetention.ForState(state);

    public Dictionary<string, AttributeValue> ToAttributes(CrimeLookupState instance, DateTimeOffset now)
    {
        if (!KnownStates.Contains(instance.CurrentState))
        {
            // Refuse to write what could not be read back.
            throw new InvalidOperationException($"Saga {instance.CorrelationId} has the unknown state '{instance.CurrentState}'.");
        }

        var item = new Dictionary<string, AttributeValue>
        {
            [SagaItemAttributes.State] = DynamoAttributes.String(instance.CurrentState),
            [SagaItemAttributes.UpdatedAt] = DynamoAttributes.Timestamp(instance.UpdatedAt),
            [nameof(CrimeLookupState.LookupKey)] = DynamoAttributes.String(instance.LookupKey),
            [nameof(CrimeLookupState.Attempts)] = DynamoAttributes.Number(instance.Attempts),
            [nameof(CrimeLookupState.RequestCount)] = DynamoAttributes.Number(instance.RequestCount),
            [nameof(CrimeLookupState.CreatedAt)] = DynamoAttributes.Timestamp(instance.CreatedAt),
            [nameof(CrimeLookupState.FirstRequestedAt)] = DynamoAttributes.Timestamp(instance.FirstRequestedAt),
            [nameof(CrimeLookupState.LastRequestedAt)] = DynamoAttributes.Timestamp(instance.LastRequestedAt),
        };
        item.AddIfNotNull(nameof(CrimeLookupState.Postcode), instance.Postcode);
        item.AddIfNotNull(nameof(CrimeLookupState.Latitude), instance.Latitude);
        item.AddIfNotNull(nameof(CrimeLookupState.Longitude), instance.Longitude);
        item.AddIfNotNull(nameof(CrimeLookupState.Country), instance.Country);
        item.AddIfNotNull(nameof(CrimeLookupState.PoliceForceArea), instance.PoliceForceArea);
        item.AddIfNotNull(nameof(CrimeLookupState.Month), instance.Month);
        item.AddIfNotEmpty(nameof(CrimeLookupState.Months), instance.Months);
        item.AddIfNotNull(nameof(CrimeLookupState.PoliceLastUpdated), instance.PoliceLastUpdated);
        item.AddIfNotEmpty(nameof(CrimeLookupState.PendingMonths), instance.PendingMonths);
        item.AddIfNotNull(nameof(CrimeLookupState.TotalCrimes), instance.TotalCrimes);
        item.AddIfNotNull(nameof(CrimeLookupState.DataSource), instance.DataSource);
        item.AddIfNotNull(nameof(CrimeLookupState.FailureReason), instance.FailureReason);
        item.AddIfNotNull(nameof(CrimeLookupState.FailureCode), instance.FailureCode);
        // Only while an attempt is under way: the ByRequester index then holds exactly the lookups in flight per client.
        item.AddIfNotNull(SagaItemAttributes.RequestedBy, instance.AttemptRequestedBy);
        item.AddIfNotNull(nameof(CrimeLookupState.AttemptStartedAt), instance.AttemptStartedAt);
        item.AddIfNotNull(nameof(CrimeLookupState.CompletedAt), instance.CompletedAt);
        if (RetentionFor(instance.CurrentState) is { } retention)
        {
            item[SagaItemAttributes.ExpiresAt] = DynamoAttributes.EpochSeconds(now + retention);
        }

        return item;
    }

    public CrimeLookupState FromItem(StoredItem item)
    {
        var state = item.RequiredString(SagaItemAttributes.State);
        if (!KnownStates.Contains(state))
        {
            throw item.Invalid($"attribute 'State' holds '{state}', which is not a state of the lookup saga ({string.Join(", ", LookupStatus.All)}).");
        }

        var month = item.OptionalString(nameof(CrimeLookupState.Month));
        return new CrimeLookupState
        {
            CurrentState = state,
            UpdatedAt = item.RequiredTimestamp(SagaItemAttributes.UpdatedAt),
            LookupKey = item.RequiredString(nameof(CrimeLookupState.LookupKey)),
            Postcode = item.OptionalString(nameof(CrimeLookupState.Postcode)),
            Latitude = item.OptionalDouble(nameof(CrimeLookupState.Latitude)),
            Longitude = item.OptionalDouble(nameof(CrimeLookupState.Longitude)),
            Country = item.OptionalString(nameof(CrimeLookupState.Country)),
            PoliceForceArea = item.OptionalString(nameof(CrimeLookupState.PoliceForceArea)),
            Month = month,
            // Instances stored before months were recorded hold their one month only.
            Months = item.Has(nameof(CrimeLookupState.Months)) || month is null ? item.OptionalStringList(nameof(CrimeLookupState.Months)) : [month],
            PoliceLastUpdated = item.OptionalString(nameof(CrimeLookupState.PoliceLastUpdated)),
            PendingMonths = item.OptionalStringList(nameof(CrimeLookupState.PendingMonths)),
            TotalCrimes = item.OptionalInt(nameof(CrimeLookupState.TotalCrimes)),
            DataSource = item.OptionalString(nameof(CrimeLookupState.DataSource)),
            FailureReason = item.OptionalString(nameof(CrimeLookupState.FailureReason)),
            FailureCode = item.OptionalString(nameof(CrimeLookupState.FailureCode)),
            AttemptRequestedBy = item.OptionalString(SagaItemAttributes.RequestedBy),
            Attempts = item.RequiredInt(nameof(CrimeLookupState.Attempts)),
            RequestCount = item.RequiredLong(nameof(CrimeLookupState.RequestCount)),
            CreatedAt = item.RequiredTimestamp(nameof(CrimeLookupState.CreatedAt)),
            FirstRequestedAt = item.RequiredTimestamp(nameof(CrimeLookupState.FirstRequestedAt)),
            LastRequestedAt = item.RequiredTimestamp(nameof(CrimeLookupState.LastRequestedAt)),
            AttemptStartedAt = item.OptionalTimestamp(nameof(CrimeLookupState.AttemptStartedAt)),
            CompletedAt = item.OptionalTimestamp(nameof(CrimeLookupState.CompletedAt)),
        };
    }
}
