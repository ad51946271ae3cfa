using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_recording_unsupported_postcodes_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private static readonly DateTimeOffset Day1 = new(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
    private Tables _tables = null!;
    private DynamoDbUnsupportedPostcodeRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _tables = await Tables.CreateAsync(dynamo);
        _registry = new DynamoDbUnsupportedPostcodeRegistry(_tables.Client, _tables.Names);
    }

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_record_a_new_postcode()
    {
        var entry = new UnsupportedPostcodeEntry("EH1 1YZ", 3, Day1, Day1.AddHours(2));
        await _registry.RecordAsync(entry);

        Assert.Equal(entry, await _registry.GetAsync("EH1 1YZ"));
        Assert.Null(await _registry.GetAsync("G1 1AA"));
    }

    [Fact]
    public async Task Should_merge_count_as_max_first_as_min_and_last_as_max()
    {
        await _registry.RecordAsync(new("EH1 1YZ", 3, Day1, Day1.AddHours(2)));
        await _registry.RecordAsync(new("EH1 1YZ", 2, Day1.AddHours(-1), Day1.AddHours(1)));

        Assert.Equal(new UnsupportedPostcodeEntry("EH1 1YZ", 3, Day1.AddHours(-1), Day1.AddHours(2)), await _registry.GetAsync("EH1 1YZ"));
    }

    [Fact]
    public async Task Should_not_write_again_when_the_same_observation_is_recorded_twice()
    {
        var entry = new UnsupportedPostcodeEntry("EH1 1YZ", 3, Day1, Day1.AddHours(2));
        await _registry.RecordAsync(entry);
        await _registry.RecordAsync(entry);

        Assert.Equal(entry, await _registry.GetAsync("EH1 1YZ"));
        Assert.Equal("1", (await RawAsync("EH1 1YZ"))["Revision"].N);
    }

    [Fact]
    public async Task Should_merge_concurrent_observations_without_losing_any()
    {
        // 40 writers at once, as if several function runs overlapped: the stored entry must be the merge of all.
        var observations = Enumerable.Range(1, 40)
            .Select(i => new UnsupportedPostcodeEntry("KY16 9AJ", i, Day1.AddMinutes(i), Day1.AddMinutes(100 + i)))
            .ToList();

        await Task.WhenAll(observations.Select(o => Task.Run(() => _registry.RecordAsync(o))));

        Assert.Equal(new UnsupportedPostcodeEntry("KY16 9AJ", 40, Day1.AddMinutes(1), Day1.AddMinutes(140)), await _registry.GetAsync("KY16 9AJ"));
    }

    [Fact]
    public async Task Should_list_entries_in_postcode_order_without_the_watermark()
    {
        await _registry.SetWatermarkAsync(Day1);
        await _registry.RecordAsync(new("G1 1AA", 1, Day1, Day1));
        await _registry.RecordAsync(new("AB10 1AB", 2, Day1, Day1));

        var all = await _registry.ListAsync();

        Assert.Equal(["AB10 1AB", "G1 1AA"], all.Select(e => e.Postcode));
    }

    [Fact]
    public async Task Should_move_the_watermark_forward_only()
    {
        Assert.Null(await _registry.GetWatermarkAsync());

        await _registry.SetWatermarkAsync(Day1.AddHours(1));
        await _registry.SetWatermarkAsync(Day1);
        Assert.Equal(Day1.AddHours(1), await _registry.GetWatermarkAsync());

        await _registry.SetWatermarkAsync(Day1.AddHours(2));
        Assert.Equal(Day1.AddHours(2), await _registry.GetWatermarkAsync());
    }

    [Theory]
    [InlineData("", 1, 0)]
    [InlineData("EH1 1YZ", 0, 0)]
    [InlineData("EH1 1YZ", 1, -1)]
    [InlineData("#watermark", 1, 0)]
    public async Task Should_reject_an_observation_that_makes_no_sense(string postcode, long count, int lastSeenOffsetHours)
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _registry.RecordAsync(new UnsupportedPostcodeEntry(postcode, count, Day1, Day1.AddHours(lastSeenOffsetHours))));
    }

    private async Task<Dictionary<string, AttributeValue>> RawAsync(string postcode) =>
        (await _tables.Client.GetItemAsync(new GetItemRequest
        {
            TableName = _tables.Names.UnsupportedPostcodes,
            Key = new() { ["PK"] = new AttributeValue { S = postcode } },
            ConsistentRead = true,
        })).Item;
}
