using EventDriven.Contracts;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using EventDriven.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Persistence.Tests;

[Collection(DynamoDbCollection.Name)]
public sealed class When_listing_lookups_by_state_Specs(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(LookupStates.T0);
    private Tables _tables = null!;
    private DynamoDbSagaStore<CrimeLookupState> _store = null!;
    private DynamoDbLookupStateReader _reader = null!;

    public async Task InitializeAsync()
    {
        _tables = await Tables.CreateAsync(dynamo);
        _store = new DynamoDbSagaStore<CrimeLookupState>(_tables.Client, new(_tables.Names.Lookups), new CrimeLookupStateItemMapper(), _time,
            NullLogger<DynamoDbSagaStore<CrimeLookupState>>.Instance);
        _reader = new DynamoDbLookupStateReader(_tables.Client, _store, _time);
        for (var n = 0; n < 25; n++)
        {
            await _store.InsertAsync(LookupStates.InState(LookupStatus.Completed, n, LookupStates.T0.AddMinutes(n)));
        }

        for (var n = 25; n < 30; n++)
        {
            await _store.InsertAsync(LookupStates.InState(LookupStatus.Failed, n, LookupStates.T0.AddMinutes(n)));
        }
    }

    public Task DisposeAsync()
    {
        _tables.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_page_through_every_instance_in_the_state_newest_first()
    {
        var seen = new List<LookupSnapshot>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _reader.ListByStateAsync(LookupStatus.Completed, 10, token);
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items);
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(25, seen.Count);
        Assert.Equal(25, seen.Select(s => s.LookupId).Distinct().Count());
        Assert.All(seen, s => Assert.Equal(LookupStatus.Completed, s.Status));
        Assert.Equal(seen.OrderByDescending(s => s.UpdatedAt).Select(s => s.LookupId), seen.Select(s => s.LookupId));
        Assert.InRange(pages, 3, 4); // 10 + 10 + 5 (DynamoDB may hand back one empty last page)
    }

    [Fact]
    public async Task Should_list_only_instances_updated_since_a_time()
    {
        var page = await _reader.ListByStateAsync(LookupStatus.Completed, 100, updatedSince: LookupStates.T0.AddMinutes(20));

        Assert.Equal(5, page.Items.Count);
        Assert.All(page.Items, s => Assert.True(s.UpdatedAt >= LookupStates.T0.AddMinutes(20)));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task Should_leave_out_expired_instances()
    {
        _time.Advance(TimeSpan.FromDays(31)); // past Failed's retention, within Completed's

        Assert.Empty((await _reader.ListByStateAsync(LookupStatus.Failed, 10)).Items);
        Assert.Equal(25, (await _reader.ListByStateAsync(LookupStatus.Completed, 100)).Items.Count);
    }

    [Fact]
    public async Task Should_answer_an_instance_by_id_and_by_its_lookup_key()
    {
        var expected = LookupStates.InState(LookupStatus.Completed, 3, LookupStates.T0.AddMinutes(3));

        var byId = await _reader.GetAsync(expected.CorrelationId);
        var byKey = await _reader.GetAsync(Contracts.Values.LookupKey.For(Contracts.Values.Postcode.Parse(expected.Postcode!)).CorrelationId);

        Assert.Equal(expected.LookupKey, byId!.LookupKey);
        Assert.Equal(expected.LookupKey, byKey!.LookupKey);
    }

    [Theory]
    [InlineData("not-a-token", "is not one this service issued")]
    [InlineData("eyJQayI6IngifQ", "is not one this service issued")]
    public async Task Should_reject_a_page_token_it_did_not_issue(string token, string expected)
    {
        var ex = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _reader.ListByStateAsync(LookupStatus.Completed, 10, token));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_reject_a_page_token_from_another_state()
    {
        var token = (await _reader.ListByStateAsync(LookupStatus.Completed, 2)).NextPageToken!;

        var ex = await Assert.ThrowsAsync<InvalidPageTokenException>(() => _reader.ListByStateAsync(LookupStatus.Failed, 2, token));
        Assert.Contains("continues a listing of 'Completed', not of 'Failed'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Should_reject_a_page_size_out_of_range(int limit)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _reader.ListByStateAsync(LookupStatus.Completed, limit));
    }
}
