using System.Globalization;
using System.Net;
using EventDriven.Simulator;
using EventDriven.TestSupport;

namespace EventDriven.Producers.Tests;

/// <summary>
/// A client may have <c>RateLimiting__LookupsInFlight</c> lookups running; a request that would start one more is a
/// 429 problem+json with Retry-After, for that client only. Answers that start nothing are never refused. In memory
/// and on DynamoDB Local (its ByRequester index); each client connects from its own loopback address.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_a_client_has_many_lookups_in_flight_Specs(DynamoDbLocalFixture dynamo)
{
    private const int Limit = 3;

    [Theory]
    [InlineData("InMemory")]
    [InlineData("DynamoDb")]
    public async Task Should_refuse_new_work_past_the_clients_limit_and_no_one_else(string provider)
    {
        await using var api = StartApi(provider);
        var baseAddress = BaseAddressOf(api);
        using var greedy = AppendingProxy.ClientFrom("127.0.0.2", baseAddress);
        using var other = AppendingProxy.ClientFrom("127.0.0.3", baseAddress);
        // The police API answers slowly: the lookups stay in flight while the test asks for more.
        api.Simulator.Faults.Current = new FaultSettings(TimeSpan.FromSeconds(5), 0, Outage: false, FaultTarget.PoliceApi);

        var first = new List<HttpResponseMessage>();
        for (var i = 0; i < Limit; i++)
        {
            first.Add(await greedy.GetAsync(Point(i)));
        }

        var oneMore = await greedy.GetAsync(Point(Limit));
        var sameAgain = await greedy.GetAsync(Point(0));
        var someoneElse = await other.GetAsync(Point(100));

        Assert.All(first, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, oneMore.StatusCode);
        Assert.Equal("application/problem+json", oneMore.Content.Headers.ContentType?.MediaType);
        Assert.Contains("lookups in flight", await oneMore.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.True(int.Parse(oneMore.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) >= 1);
        // Asking again for a lookup already running starts nothing; another client has its own allowance.
        Assert.Equal(HttpStatusCode.Accepted, sameAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, someoneElse.StatusCode);

        // Once its lookups finish, the client may start more.
        api.Simulator.Faults.Reset();
        foreach (var response in first)
        {
            await greedy.UntilFinishedAsync(response.Headers.Location!.OriginalString, TimeSpan.FromSeconds(60));
        }

        var later = await WaitForAsync(() => greedy.GetAsync(Point(Limit)), r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
    }

    [Fact]
    public async Task Should_count_the_months_a_poll_adds_to_a_finished_lookup_as_new_work()
    {
        await using var api = StartApi("InMemory");
        var baseAddress = BaseAddressOf(api);
        using var greedy = AppendingProxy.ClientFrom("127.0.0.2", baseAddress);
        using var other = AppendingProxy.ClientFrom("127.0.0.3", baseAddress);
        var accepted = await other.GetAsync(Point(200));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var finished = accepted.Headers.Location!.OriginalString;
        await other.UntilFinishedAsync(finished, TimeSpan.FromSeconds(60));

        api.Simulator.Faults.Current = new FaultSettings(TimeSpan.FromSeconds(5), 0, Outage: false, FaultTarget.PoliceApi);
        for (var i = 0; i < Limit; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await greedy.GetAsync(Point(i))).StatusCode);
        }

        // Polling a finished lookup for a month it does not hold sends the police a request like a new lookup does:
        // past the client's lookups in flight it is refused, as a new lookup would be; a client with room gets it asked for.
        var pollOfGreedy = await greedy.GetAsync(new Uri(finished + "?months=2", UriKind.Relative));
        var pollOfOther = await other.GetAsync(new Uri(finished + "?months=2", UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, pollOfGreedy.StatusCode);
        Assert.Equal("application/problem+json", pollOfGreedy.Content.Headers.ContentType?.MediaType);
        Assert.True(pollOfGreedy.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, pollOfOther.StatusCode);
        Assert.Contains("\"FetchingCrimes\"", await pollOfOther.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        api.Simulator.Faults.Reset();
    }

    private static Uri Point(int i) =>
        new(string.Create(CultureInfo.InvariantCulture, $"/coordinates?latitude={53.0 + (i * 0.01):0.00}&longitude=-2.10"), UriKind.Relative);

    private EmbeddedApiFactory StartApi(string provider)
    {
        var factory = new EmbeddedApiFactory().WithSetting("RateLimiting:LookupsInFlight", Limit.ToString(CultureInfo.InvariantCulture));
        if (provider == "DynamoDb")
        {
            factory.WithSetting("Persistence:Provider", "DynamoDb")
                .WithSetting("Persistence:DynamoDb:ServiceUrl", dynamo.ServiceUrl)
                .WithSetting("Persistence:DynamoDb:TablePrefix", DynamoDbLocalFixture.NewTablePrefix());
        }

        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static Uri BaseAddressOf(EmbeddedApiFactory api)
    {
        using var client = api.CreateClient();
        return new Uri($"http://127.0.0.1:{client.BaseAddress!.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>The store shows a finished lookup a moment after its status does (this instance also remembers recent ones).</summary>
    private static async Task<HttpResponseMessage> WaitForAsync(Func<Task<HttpResponseMessage>> send, Func<HttpResponseMessage, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await send();
            if (done(response) || DateTime.UtcNow > deadline)
            {
                return response;
            }

            await Task.Delay(200);
        }
    }
}
