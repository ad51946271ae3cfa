using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.History;
using EventDriven.Persistence.InMemory;
using EventDriven.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_recording_lookup_history_Specs(DynamoDbLocalFixture dynamo)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Should_keep_the_newest_entries_of_each_ring_on_dynamodb()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var history = new DynamoDbLookupHistory(tables.Client, tables.Names, new FakeTimeProvider(T0));
        var id = Guid.NewGuid();
        var others = LookupHistoryLimits.OtherEntries + 30;
        var transitions = LookupHistoryLimits.Transitions + 30;

        using var gate = new SemaphoreSlim(20);
        await Task.WhenAll(Enumerable.Range(1, others).Select(async n =>
        {
            await gate.WaitAsync();
            try
            {
                await history.AppendAsync(id, Upstream(n));
            }
            finally
            {
                gate.Release();
            }
        }));
        for (var version = 1; version <= transitions; version++)
        {
            var put = history.TransitionPut(id, Transition(version), version);
            await tables.Client.PutItemAsync(new PutItemRequest { TableName = put.TableName, Item = put.Item });
        }

        var entries = await history.ReadAsync(id);

        // Concurrent appends take slots in the order of their counter, not of their clocks: the newest 200 by counter stay.
        Assert.Equal(LookupHistoryLimits.OtherEntries, entries.OfType<UpstreamCallEntry>().Count());
        Assert.Equal(Enumerable.Range(31, LookupHistoryLimits.Transitions), entries.OfType<TransitionEntry>().Select(t => t.Version));
        Assert.Equal(entries.OrderBy(e => e.At), entries); // oldest first
        var items = await tables.Client.QueryAsync(new QueryRequest
        {
            TableName = tables.Names.LookupHistory,
            KeyConditionExpression = "PK = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue(id.ToString()) },
        });
        Assert.Equal(LookupHistoryLimits.OtherEntries + LookupHistoryLimits.Transitions + 1, items.Count); // the rings and the counter: bounded
        Assert.All(items.Items, item => Assert.True(item.ContainsKey(DynamoTables.TimeToLiveAttribute), "every history item expires"));
    }

    [Fact]
    public async Task Should_not_return_entries_whose_time_to_live_has_passed()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var clock = new FakeTimeProvider(T0);
        var history = new DynamoDbLookupHistory(tables.Client, tables.Names, clock);
        var id = Guid.NewGuid();
        await history.AppendAsync(id, Upstream(1));

        Assert.Single(await history.ReadAsync(id));
        clock.Advance(LookupHistoryLimits.Retention + TimeSpan.FromMinutes(1));
        Assert.Empty(await history.ReadAsync(id)); // DynamoDB deletes expired items only eventually; readers skip them
    }

    [Fact]
    public async Task Should_round_trip_every_kind_through_the_store_with_its_fields()
    {
        using var tables = await Tables.CreateAsync(dynamo);
        var history = new DynamoDbLookupHistory(tables.Client, tables.Names, new FakeTimeProvider(T0));
        var id = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        LookupHistoryEntry[] written =
        [
            new UpstreamCallEntry(T0.AddSeconds(1), "police-api", "GET", "http://127.0.0.1:5080/api/crimes-street/all-crime?lat=52.6&lng=-1.1&date=2026-09", 429, null, 12.5, 2, 480.25, messageId),
            new DeadLetteredEntry(T0.AddSeconds(2), "fetch-crimes", "fetch-crimes_error", "FetchCrimes", messageId, "UpstreamException: data.police.uk answered 503"),
            new ReplayedEntry(T0.AddSeconds(3), "fetch-crimes", messageId.ToString(), "fetch-crimes-replay", "r-1", "alice", "replayed"),
            new OperatorEntry(T0.AddSeconds(4), "alice", "redrive", "sent FetchCrimes"),
        ];
        foreach (var entry in written)
        {
            await history.AppendAsync(id, entry);
        }

        var read = await history.ReadAsync(id);

        Assert.Equal(written, read);
        using var json = JsonDocument.Parse(LookupHistoryJson.Serialize(read[0]));
        Assert.Equal("upstream", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(429, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(480.25, json.RootElement.GetProperty("budgetWaitMs").GetDouble());
        Assert.Equal(12.5, json.RootElement.GetProperty("durationMs").GetDouble());
        Assert.Equal("2026-11-23T10:00:01+00:00", json.RootElement.GetProperty("at").GetString());
    }

    [Fact]
    public async Task Should_bound_the_in_memory_history_per_lookup_and_in_lookups()
    {
        var history = new InMemoryLookupHistory();
        var id = Guid.NewGuid();
        for (var n = 1; n <= LookupHistoryLimits.OtherEntries + 5; n++)
        {
            await history.AppendAsync(id, Upstream(n));
        }

        for (var n = 1; n <= LookupHistoryLimits.Transitions + 5; n++)
        {
            await history.AppendAsync(id, Transition(n));
        }

        var entries = await history.ReadAsync(id);
        Assert.Equal(Enumerable.Range(6, LookupHistoryLimits.OtherEntries).Select(n => $"http://police/{n}"), entries.OfType<UpstreamCallEntry>().Select(e => e.Url));
        Assert.Equal(Enumerable.Range(6, LookupHistoryLimits.Transitions), entries.OfType<TransitionEntry>().Select(t => t.Version));

        for (var n = 0; n < InMemoryLookupHistory.MaxLookups; n++)
        {
            await history.AppendAsync(Guid.NewGuid(), Upstream(n));
        }

        Assert.Empty(await history.ReadAsync(id)); // the lookup written to longest ago went first
    }

    private static UpstreamCallEntry Upstream(int n) =>
        new(T0.AddMilliseconds(n), "police-api", "GET", $"http://police/{n}", 200, null, 5, 1, 0, null);

    private static TransitionEntry Transition(int version) =>
        new(T0.AddSeconds(version), "Geocoding", "FetchingCrimes", "PostcodeGeocoded", Guid.NewGuid(), 0, [new FieldChange("attempts", "1", "1")]);
}
