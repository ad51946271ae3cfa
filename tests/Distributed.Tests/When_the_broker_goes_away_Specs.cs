using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using EventDriven.TestSupport;

namespace EventDriven.Distributed.Tests;

[Collection(DistributedCollection.Name)]
public sealed class When_the_broker_goes_away_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_fail_readiness_answer_503_quickly_and_recover_by_itself()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync();
        var producers = await system.StartProducersAsync();
        var api = producers.Http;

        await rabbit.Node.StopAsync();
        try
        {
            await WaitForStatusAsync(api, "/health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));

            foreach (var postcode in Lookups.Postcodes(3, offset: 500))
            {
                var clock = Stopwatch.StartNew();
                var (status, _, contentType) = await Lookups.RequestAsync(api, postcode);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Equal("application/problem+json", contentType);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7), $"a cache miss took {clock.Elapsed} to answer with the broker down");
            }
        }
        finally
        {
            await rabbit.Node.StartAgainAsync();
        }

        await WaitForStatusAsync(api, "/health/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var lookup = await AcceptEventuallyAsync(api, Lookups.Postcodes(1, offset: 510)[0], TimeSpan.FromSeconds(30));
        var done = await Lookups.WaitForAsync(api, [lookup], TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", done[lookup].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Should_lose_no_accepted_lookup_when_the_broker_restarts_under_load()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.SetFaultsAsync("Both", latency: TimeSpan.FromMilliseconds(100));
        await system.StartConsumersAsync(DistributedSystem.QuickStuckRecovery);
        var api = (await system.StartProducersAsync()).Http;

        var accepted = new ConcurrentBag<Guid>();
        var answers = new ConcurrentDictionary<HttpStatusCode, int>();
        using var stop = new CancellationTokenSource();
        var postcodes = Lookups.Postcodes(2000, offset: 1000);
        var load = Task.Run(async () =>
        {
            foreach (var postcode in postcodes)
            {
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                var (status, id, _) = await Lookups.RequestAsync(api, postcode);
                answers.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == HttpStatusCode.Accepted)
                {
                    accepted.Add(id!.Value);
                }

                await Task.Delay(20);
            }
        });

        // The load's shape follows what happens, not the clock (a busy machine only makes it slower): lookups in
        // flight when the broker stops, requests meeting it away, and lookups accepted again once it is back.
        await Eventually.UntilAsync(() => Task.FromResult(accepted.Count >= 20 || load.IsCompleted), TimeSpan.FromSeconds(120), () => $"{accepted.Count} accepted before the stop");
        await rabbit.Node.StopAsync();
        await Eventually.UntilAsync(() => Task.FromResult(answers.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) >= 1 || load.IsCompleted), TimeSpan.FromSeconds(120),
            () => "no request met the broker away");
        await rabbit.Node.StartAgainAsync();
        var acceptedBeforeReturn = accepted.Count;
        await Eventually.UntilAsync(() => Task.FromResult(accepted.Count >= acceptedBeforeReturn + 20 || load.IsCompleted), TimeSpan.FromSeconds(120),
            () => $"{accepted.Count - acceptedBeforeReturn} accepted since the broker came back");
        await stop.CancelAsync();
        await load;

        Assert.True(answers.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) >= 1, "no request met the broker away");
        Assert.True(accepted.Count >= acceptedBeforeReturn + 20, $"only {accepted.Count - acceptedBeforeReturn} lookups were accepted after the broker came back");
        Assert.All(answers.Keys, status => Assert.True(status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {(int)status}"));
        var done = await Lookups.WaitForAsync(api, accepted.ToList(), TimeSpan.FromSeconds(120));
        Assert.All(done.Values, s => Assert.Equal("Completed", s.GetProperty("status").GetString()));
    }

    private static async Task WaitForStatusAsync(HttpClient http, string path, HttpStatusCode expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode last;
        do
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
            last = response.StatusCode;
            if (last == expected)
            {
                return;
            }

            await Task.Delay(250);
        }
        while (clock.Elapsed < timeout);

        Assert.Fail($"{path} still answered {(int)last} after {timeout.TotalSeconds:0} s, expected {(int)expected}");
    }

    private static async Task<Guid> AcceptEventuallyAsync(HttpClient api, string postcode, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (status, id, _) = await Lookups.RequestAsync(api, postcode);
            if (status == HttpStatusCode.Accepted)
            {
                return id!.Value;
            }

            Assert.True(clock.Elapsed < timeout, $"GET /postcode/{postcode} still answered {(int)status} {timeout.TotalSeconds:0} s after the broker came back");
            await Task.Delay(500);
        }
    }
}
