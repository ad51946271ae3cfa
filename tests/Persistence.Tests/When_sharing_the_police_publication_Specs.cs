using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts.Police;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

/// <summary>
/// The fleet's one record of the police's publication on DynamoDB: one item in the results table, a claim that exactly
/// one process wins, and per-process copies that stay at most a few seconds behind.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_sharing_the_police_publication_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private static readonly PolicePublication Published = new(
        "2026-10-01", "2026-10-01", ["2026-09", "2026-08"], [new("all-crime", "All crime"), new("burglary", "Burglary")],
        LookupStates.T0, LookupStates.T0.AddHours(-1));

    private readonly FakeTimeProvider _time = new(LookupStates.T0);
    private Tables _tables = null!;

    public async Task InitializeAsync() => _tables = await Tables.CreateAsync(dynamo);

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_store_and_read_back_the_publication()
    {
        using var store = Store();
        Assert.Null(await store.GetAsync());

        await store.SaveAsync(Published);
        using var other = Store();
        var read = await other.GetAsync();

        Assert.Equivalent(Published, read, strict: true);
    }

    [Fact]
    public async Task Should_let_exactly_one_of_many_processes_claim_a_check()
    {
        var stores = Enumerable.Range(0, 20).Select(_ => Store()).ToList();
        var now = _time.GetUtcNow();

        var claims = await Task.WhenAll(stores.Select(s => s.TryClaimCheckAsync(now, now.AddMinutes(-5))));

        Assert.Single(claims, won => won);
        // A claim alone publishes nothing.
        Assert.Null(await stores[0].GetAsync());
        // The next interval can be claimed again, by one.
        var later = now.AddMinutes(5);
        var again = await Task.WhenAll(stores.Select(s => s.TryClaimCheckAsync(later, later.AddMinutes(-5))));
        Assert.Single(again, won => won);
        stores.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Should_keep_the_publication_when_a_check_is_claimed()
    {
        using var store = Store();
        await store.SaveAsync(Published);

        Assert.True(await store.TryClaimCheckAsync(_time.GetUtcNow(), DateTimeOffset.MinValue));

        using var other = Store();
        Assert.Equal(Published.LastUpdated, (await other.GetAsync())!.LastUpdated);
    }

    [Fact]
    public async Task Should_see_another_process_s_save_within_the_read_cache_time_and_not_read_the_store_before()
    {
        using var reader = Store();
        using var writer = Store();
        await writer.SaveAsync(Published);
        Assert.Equal(Published.LastUpdated, (await reader.GetAsync())!.LastUpdated);

        await writer.SaveAsync(Published with { LastUpdated = "2026-11-01" });
        Assert.Equal("2026-10-01", (await reader.GetAsync())!.LastUpdated); // its copy is still young

        _time.Advance(IPolicePublicationStore.ReadCacheFor);
        Assert.Equal("2026-11-01", (await reader.GetAsync())!.LastUpdated);
    }

    [Fact]
    public async Task Should_report_a_damaged_record_naming_the_attribute()
    {
        using var store = Store();
        await store.SaveAsync(Published);
        await _tables.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tables.Names.Results,
            Key = new() { ["PK"] = new AttributeValue { S = DynamoDbPolicePublicationStore.Key }, ["SK"] = new AttributeValue { S = "#" } },
            UpdateExpression = "SET #c = :c",
            ExpressionAttributeNames = new() { ["#c"] = "Categories" },
            ExpressionAttributeValues = new() { [":c"] = new AttributeValue { S = "not json" } },
        });

        using var reader = Store();
        var ex = await Assert.ThrowsAsync<InvalidStoredItemException>(async () => await reader.GetAsync());
        Assert.Contains("Categories", ex.Message, StringComparison.Ordinal);
    }

    private DynamoDbPolicePublicationStore Store() => new(_tables.Client, _tables.Names, _time);
}
