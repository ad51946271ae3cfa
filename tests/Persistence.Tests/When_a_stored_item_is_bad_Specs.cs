using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_a_stored_item_is_bad_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private Tables _tables = null!;
    private DynamoDbSagaStore<CrimeLookupState> _store = null!;

    public async Task InitializeAsync()
    {
        _tables = await Tables.CreateAsync(dynamo);
        _store = new DynamoDbSagaStore<CrimeLookupState>(_tables.Client, new(_tables.Names.Lookups), new CrimeLookupStateItemMapper(),
            TimeProvider.System, NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);
    }

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("LookupKey", null, "attribute 'LookupKey' is missing")]
    [InlineData("RequestCount", "N:1.5", "attribute 'RequestCount' should be a whole number but is '1.5'")]
    [InlineData("Attempts", "N:99999999999", "attribute 'Attempts' is out of range for a 32-bit number")]
    [InlineData("RequestCount", "S:7", "attribute 'RequestCount' should be a number (N) but is the string '7'")]
    [InlineData("UpdatedAt", "S:yesterday", "attribute 'UpdatedAt' should be a UTC timestamp")]
    [InlineData("Latitude", "S:north", "attribute 'Latitude' should be a number (N) but is the string 'north'")]
    [InlineData("State", "S:Teleporting", "attribute 'State' holds 'Teleporting', which is not a state of the lookup saga")]
    [InlineData("Version", "N:0", "attribute 'Version' should be 1 or more")]
    [InlineData("Version", null, "attribute 'Version' is missing")]
    public async Task Should_fail_with_an_error_naming_table_item_and_attribute(string attribute, string? value, string expected)
    {
        var instance = LookupStates.Completed();
        await _store.InsertAsync(instance);
        await CorruptAsync(instance.CorrelationId, attribute, value);

        var ex = await Assert.ThrowsAsync<InvalidStoredItemException>(() => _store.LoadAsync(instance.CorrelationId));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains(_tables.Names.Lookups, ex.Message, StringComparison.Ordinal);
        Assert.Contains(instance.CorrelationId.ToString("D"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fault_the_event_to_error_handling_and_keep_serving_other_instances()
    {
        await using var provider = new ServiceCollection()
            .AddDynamoDbClient(new DynamoDbOptions { ServiceUrl = dynamo.ServiceUrl, TablePrefix = _tables.Names.Lookups[..^DynamoTables.Lookups.Suffix.Length] })
            .AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<CounterStateMachine, CounterState, CounterStateDefinition>()
                .DynamoDbRepository<CounterState, CounterStateItemMapper>(sp => sp.GetRequiredService<DynamoTableNames>().Lookups))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        harness.TestTimeout = TimeSpan.FromSeconds(30);
        await harness.Start();
        var store = provider.GetRequiredService<DynamoDbSagaStore<CounterState>>();
        var broken = NewId.NextGuid();
        var healthy = NewId.NextGuid();
        await harness.Bus.Publish(new Increment(broken));
        await When_events_race_for_one_saga_Specs.WaitForAsync(() => store.LoadAsync(broken), s => s?.Count == 1);
        await CorruptAsync(broken, "Count", "S:one");

        await harness.Bus.Publish(new Increment(broken));
        await harness.Bus.Publish(new Increment(healthy));

        // Retried (it might be a half-written item), then faulted to the error queue: the endpoint carries on.
        Assert.True(await harness.Published.Any<Fault<Increment>>(x => x.Context.Message.Message.CorrelationId == broken));
        var fault = harness.Published.Select<Fault<Increment>>().First().Context.Message;
        Assert.Contains("attribute 'Count' should be a number (N) but is the string 'one'", fault.Exceptions[0].Message, StringComparison.Ordinal);
        Assert.Equal(typeof(InvalidStoredItemException).FullName, fault.Exceptions[0].ExceptionType);
        var other = await When_events_race_for_one_saga_Specs.WaitForAsync(() => store.LoadAsync(healthy), s => s?.Count == 1);
        Assert.Equal(1, other!.Count);
    }

    /// <summary>Sets an attribute to "N:..." or "S:...", or removes it when the value is null.</summary>
    private Task CorruptAsync(Guid correlationId, string attribute, string? value)
    {
        var request = new UpdateItemRequest
        {
            TableName = _tables.Names.Lookups,
            Key = new() { ["PK"] = new AttributeValue { S = correlationId.ToString("D") } },
            ExpressionAttributeNames = new() { ["#a"] = attribute },
        };
        if (value is null)
        {
            request.UpdateExpression = "REMOVE #a";
        }
        else
        {
            request.UpdateExpression = "SET #a = :v";
            request.ExpressionAttributeValues = new()
            {
                [":v"] = value[0] == 'N' ? new AttributeValue { N = value[2..] } : new AttributeValue { S = value[2..] },
            };
        }

        return _tables.Client.UpdateItemAsync(request);
    }
}
