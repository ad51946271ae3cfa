using Amazon.DynamoDBv2.Model;
using EventDriven.Contracts.Results;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_storing_results_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(LookupStates.T0);
    private Tables _tables = null!;
    private DynamoDbLookupResultStore _results = null!;

    public async Task InitializeAsync()
    {
        _tables = await Tables.CreateAsync(dynamo);
        _results = new DynamoDbLookupResultStore(_tables.Client, _tables.Names, _time);
    }

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_store_and_read_back_a_result()
    {
        var result = Result(crimes: 3);
        await _results.PutAsync(result);

        var read = await _results.GetAsync(result.LookupKey, result.Month);

        Assert.NotNull(read);
        Assert.Equivalent(result, read, strict: true);
        Assert.Null(await _results.GetAsync(result.LookupKey, "2026-08"));
        Assert.Null(await _results.GetAsync("postcode:M1 1AE", result.Month));
    }

    [Fact]
    public async Task Should_read_several_months_of_a_key_in_one_call_leaving_out_those_not_stored()
    {
        await _results.PutAsync(Result(crimes: 3) with { Month = "2026-09" });
        await _results.PutAsync(Result(crimes: 4) with { Month = "2026-08" });
        await _results.PutAsync(Result(crimes: 5) with { Month = "2026-07", LookupKey = "postcode:M1 1AE" });

        var read = await _results.GetManyAsync("postcode:SW1A 1AA", ["2026-09", "2026-08", "2026-07"]);

        Assert.Equal(["2026-08", "2026-09"], read.Select(r => r.Month).Order(StringComparer.Ordinal));
        Assert.Equal(4, read.Single(r => r.Month == "2026-08").TotalCrimes);
        Assert.Empty(await _results.GetManyAsync("postcode:SW1A 1AA", []));
    }

    [Fact]
    public async Task Should_overwrite_on_a_replayed_put()
    {
        await _results.PutAsync(Result(crimes: 3));
        await _results.PutAsync(Result(crimes: 5));

        Assert.Equal(5, (await _results.GetAsync("postcode:SW1A 1AA", "2026-09"))!.TotalCrimes);
    }

    [Fact]
    public async Task Should_hold_the_largest_month_the_police_api_returns()
    {
        // data.police.uk answers 503 above 10,000 crimes, so this is the biggest result there can be.
        var result = Result(crimes: 10_000);
        await _results.PutAsync(result);

        var read = await _results.GetAsync(result.LookupKey, result.Month);

        Assert.Equal(10_000, read!.Crimes.Count);
        Assert.Equal(result.Crimes[9_999], read.Crimes[9_999]);
    }

    [Fact]
    public async Task Should_not_answer_with_an_expired_result()
    {
        await _results.PutAsync(Result(crimes: 1));

        _time.Advance(DynamoDbLookupResultStore.Retention + TimeSpan.FromSeconds(1));

        Assert.Null(await _results.GetAsync("postcode:SW1A 1AA", "2026-09"));
    }

    [Fact]
    public async Task Should_report_a_corrupt_result_clearly()
    {
        await _results.PutAsync(Result(crimes: 1));
        await _tables.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tables.Names.Results,
            Key = new() { ["PK"] = new AttributeValue { S = "postcode:SW1A 1AA" }, ["SK"] = new AttributeValue { S = "2026-09" } },
            UpdateExpression = "SET #r = :r",
            ExpressionAttributeNames = new() { ["#r"] = DynamoDbLookupResultStore.ResultAttribute },
            ExpressionAttributeValues = new() { [":r"] = new AttributeValue { B = new MemoryStream("not gzip"u8.ToArray()) } },
        });

        var ex = await Assert.ThrowsAsync<InvalidStoredItemException>(() => _results.GetAsync("postcode:SW1A 1AA", "2026-09"));
        Assert.Contains("is not a gzip-compressed result", ex.Message, StringComparison.Ordinal);
        Assert.Contains("postcode:SW1A 1AA / 2026-09", ex.Message, StringComparison.Ordinal);
    }

    private static CrimeLookupResult Result(int crimes)
    {
        var categories = new[] { "burglary", "anti-social-behaviour", "vehicle-crime", "violent-crime" };
        var list = Enumerable.Range(0, crimes).Select(i => new CrimeRecord(
            100_000_000 + i,
            i % 3 == 0 ? null : $"{i:x8}{i * 7919:x8}{i * 104729:x8}",
            categories[i % categories.Length],
            "2026-09",
            51.5 + i * 1e-5,
            -0.14 - i * 1e-5,
            $"On or near Street {i % 500}",
            i % 2 == 0 ? null : new CrimeOutcome("Investigation complete; no suspect identified", "2026-10"),
            StreetId: 1_000_000 + (i % 500),
            LocationType: i % 25 == 0 ? "BTP" : "Force",
            LocationSubtype: i % 25 == 0 ? "LU STATION" : null,
            Context: i % 50 == 0 ? "Reported by staff" : null)).ToList();
        return new CrimeLookupResult
        {
            LookupId = Guid.Parse("9b0d5bd1-1f51-5f0e-8e7a-1d2c3b4a5f60"),
            LookupKey = "postcode:SW1A 1AA",
            Query = new LookupQuery("SW1A 1AA", null, null),
            Location = new GeoPoint(51.501009, -0.141588),
            Month = "2026-09",
            TotalCrimes = crimes,
            ByCategory = list.GroupBy(c => c.Category).ToDictionary(g => g.Key, g => g.Count()),
            Crimes = list,
            DataSource = DataSources.Simulated,
            FetchedAt = LookupStates.T0,
            PoliceForceArea = "Metropolitan Police",
            PoliceLastUpdated = "2026-10-01",
        };
    }
}
