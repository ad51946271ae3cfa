using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_saving_lookup_instances_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(LookupStates.T0);
    private Tables _tables = null!;
    private DynamoDbSagaStore<CrimeLookupState> _store = null!;

    public async Task InitializeAsync()
    {
        _tables = await Tables.CreateAsync(dynamo);
        _store = new DynamoDbSagaStore<CrimeLookupState>(_tables.Client, new(_tables.Names.Lookups), new CrimeLookupStateItemMapper(), _time,
            NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);
    }

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_insert_and_load_back_every_property()
    {
        var saved = LookupStates.Completed();
        await _store.InsertAsync(saved);

        var loaded = await _store.LoadAsync(saved.CorrelationId);

        Assert.NotNull(loaded);
        Assert.Equivalent(saved, loaded, strict: true);
        Assert.Equal(1, loaded.Version);
    }

    [Fact]
    public async Task Should_keep_absent_optional_properties_null()
    {
        var saved = LookupStates.Completed();
        saved.CurrentState = LookupStatus.Geocoding;
        saved.Latitude = saved.Longitude = null;
        saved.Month = saved.DataSource = saved.Country = saved.PoliceForceArea = saved.PoliceLastUpdated = null;
        saved.Months = [];
        saved.PendingMonths = [];
        saved.TotalCrimes = null;
        saved.CompletedAt = null;
        await _store.InsertAsync(saved);

        var loaded = await _store.LoadAsync(saved.CorrelationId);

        Assert.Equivalent(saved, loaded, strict: true);
    }

    [Fact]
    public async Task Should_read_an_instance_stored_before_months_were_recorded_as_holding_its_one_month()
    {
        var saved = LookupStates.Completed();
        await _store.InsertAsync(saved);
        await _tables.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tables.Names.Lookups,
            Key = new() { ["PK"] = new AttributeValue { S = saved.CorrelationId.ToString("D") } },
            UpdateExpression = "REMOVE #months, #pending, #stamp",
            ExpressionAttributeNames = new() { ["#months"] = "Months", ["#pending"] = "PendingMonths", ["#stamp"] = "PoliceLastUpdated" },
        });

        var loaded = await _store.LoadAsync(saved.CorrelationId);

        Assert.Equal(["2026-09"], loaded!.Months);
        Assert.Empty(loaded.PendingMonths);
        // Never fetched under a known publication: stale at the first request that knows one.
        Assert.Null(loaded.PoliceLastUpdated);
    }

    [Fact]
    public async Task Should_answer_null_for_an_instance_that_does_not_exist()
    {
        Assert.Null(await _store.LoadAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task Should_refuse_a_second_insert_of_the_same_instance()
    {
        await _store.InsertAsync(LookupStates.Completed());

        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => _store.InsertAsync(LookupStates.Completed()));

        Assert.IsType<ConditionalCheckFailedException>(ex.InnerException);
        Assert.Equal(1, _store.VersionConflicts);
    }

    [Fact]
    public async Task Should_update_and_increment_the_version()
    {
        var saved = LookupStates.Completed();
        await _store.InsertAsync(saved);
        var loaded = (await _store.LoadAsync(saved.CorrelationId))!;

        loaded.RequestCount = 8;
        loaded.FailureReason = "a reason";
        await _store.UpdateAsync(loaded);

        Assert.Equal(2, loaded.Version);
        var reloaded = (await _store.LoadAsync(saved.CorrelationId))!;
        Assert.Equal(2, reloaded.Version);
        Assert.Equal(8, reloaded.RequestCount);
        Assert.Equal("a reason", reloaded.FailureReason);
    }

    [Fact]
    public async Task Should_refuse_an_update_from_a_stale_version_and_keep_the_winner()
    {
        var saved = LookupStates.Completed();
        await _store.InsertAsync(saved);
        var first = (await _store.LoadAsync(saved.CorrelationId))!;
        var second = (await _store.LoadAsync(saved.CorrelationId))!;

        first.RequestCount = 100;
        await _store.UpdateAsync(first);
        second.RequestCount = 200;
        var ex = await Assert.ThrowsAsync<ConcurrencyException>(() => _store.UpdateAsync(second));

        Assert.Equal(saved.CorrelationId, ex.CorrelationId);
        Assert.Equal(1, second.Version); // unchanged: the retry re-reads rather than trusting this copy
        var stored = (await _store.LoadAsync(saved.CorrelationId))!;
        Assert.Equal(100, stored.RequestCount);
        Assert.Equal(2, stored.Version);
        Assert.Equal(1, _store.VersionConflicts);
    }

    [Fact]
    public async Task Should_delete_only_at_the_version_that_was_read()
    {
        var saved = LookupStates.Completed();
        await _store.InsertAsync(saved);
        var stale = (await _store.LoadAsync(saved.CorrelationId))!;
        var current = (await _store.LoadAsync(saved.CorrelationId))!;
        await _store.UpdateAsync(current);

        await Assert.ThrowsAsync<ConcurrencyException>(() => _store.DeleteAsync(stale));
        Assert.NotNull(await _store.LoadAsync(saved.CorrelationId));

        await _store.DeleteAsync(current);
        Assert.Null(await _store.LoadAsync(saved.CorrelationId));
    }

    [Theory]
    [InlineData(LookupStatus.Completed, 100)]
    [InlineData(LookupStatus.NotFound, 100)]
    [InlineData(LookupStatus.NoLocation, 100)]
    [InlineData(LookupStatus.Failed, 30)]
    [InlineData(LookupStatus.Geocoding, null)]
    [InlineData(LookupStatus.FetchingCrimes, null)]
    [InlineData(LookupStatus.Unsupported, null)]
    public async Task Should_give_finished_instances_a_ttl_and_never_in_progress_or_unsupported_ones(string state, int? retentionDays)
    {
        var instance = LookupStates.Completed();
        instance.CurrentState = state;
        await _store.InsertAsync(instance);

        var item = await RawItemAsync(instance.CorrelationId);

        if (retentionDays is null)
        {
            Assert.False(item.ContainsKey(DynamoTables.TimeToLiveAttribute));
        }
        else
        {
            Assert.Equal(_time.GetUtcNow().AddDays(retentionDays.Value).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                item[DynamoTables.TimeToLiveAttribute].N);
        }
    }

    [Fact]
    public async Task Should_treat_an_expired_instance_as_gone_and_let_a_new_one_take_its_place()
    {
        var old = LookupStates.Completed();
        await _store.InsertAsync(old);

        // DynamoDB deletes expired items up to days late; until then they must not come back to life.
        _time.Advance(TimeSpan.FromDays(101));
        Assert.Null(await _store.LoadAsync(old.CorrelationId));

        var fresh = LookupStates.Completed();
        fresh.RequestCount = 1;
        await _store.InsertAsync(fresh);
        var loaded = (await _store.LoadAsync(old.CorrelationId))!;
        Assert.Equal(1, loaded.RequestCount);
        Assert.Equal(1, loaded.Version);
    }

    [Fact]
    public async Task Should_write_the_gsi_keys_as_sortable_utc_strings()
    {
        var instance = LookupStates.Completed(updatedAt: new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)));
        await _store.InsertAsync(instance);

        var item = await RawItemAsync(instance.CorrelationId);

        Assert.Equal(LookupStatus.Completed, item[SagaItemAttributes.State].S);
        Assert.Equal("2026-03-04T03:06:07.0000000Z", item[SagaItemAttributes.UpdatedAt].S);
        Assert.Equal("1", item[SagaItemAttributes.Version].N);
    }

    private async Task<Dictionary<string, AttributeValue>> RawItemAsync(Guid correlationId) =>
        (await _tables.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _tables.Names.Lookups,
            Key = new() { ["PK"] = new AttributeValue { S = correlationId.ToString("D") } },
            ConsistentRead = true,
        })).Item;
}
