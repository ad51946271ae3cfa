using System.Net;
using System.Text.Json;
using EventDriven.TestSupport;
using Xunit.Abstractions;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// Two API instances behind a load balancer without stickiness: a client's poll can reach the other instance right
/// after the 202, before any saga has seen the request. The shared store is the truth, so the other instance knows it.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_several_api_instances_share_the_polls_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit, ITestOutputHelper output)
    : IClassFixture<RabbitMqNodeFixture>
{
    private const int Lookups200 = 200;

    [Fact]
    public async Task Should_answer_a_poll_on_the_other_instance_at_once_never_404_two_hundred_times()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync();
        var apis = await Task.WhenAll(system.StartProducersAsync(), system.StartProducersAsync());

        var accepted = new List<Guid>();
        var firstPolls = new Dictionary<string, int>();
        var answeredUnavailable = 0;
        var postcodes = Lookups.Postcodes(Lookups200, offset: 8000);
        for (var i = 0; i < postcodes.Count; i++)
        {
            var (accepting, polled) = i % 2 == 0 ? (apis[0], apis[1]) : (apis[1], apis[0]);
            var id = await Lookups.AcceptAsync(accepting.Http, postcodes[i]);
            accepted.Add(id);

            var (code, body, unavailable) = await PollAsync(polled.Http, id);
            Assert.True(code == HttpStatusCode.OK, $"poll {i + 1} of {id} on the other instance answered {(int)code}: {body}");
            answeredUnavailable += unavailable;
            var status = JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;
            Assert.Contains(status, new[] { "Geocoding", "FetchingCrimes", "Completed" });
            firstPolls[status] = firstPolls.GetValueOrDefault(status) + 1;
        }

        output.WriteLine($"first poll on the other instance: {string.Join(", ", firstPolls.Select(p => $"{p.Value} {p.Key}"))}; " +
                         $"503 (store slow to answer) asked again: {answeredUnavailable}");
        var done = await Lookups.WaitForAsync(apis[0].Http, accepted, TimeSpan.FromSeconds(120));
        Lookups.AssertCompleted(done);
    }

    /// <summary>GET /lookups/{id} at once; only a 503 (the store did not answer in time) is asked again, as a client would.</summary>
    private static async Task<(HttpStatusCode Code, string Body, int Unavailable)> PollAsync(HttpClient api, Guid id)
    {
        var unavailable = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var poll = await api.GetAsync(new Uri($"/lookups/{id}", UriKind.Relative));
            var body = await poll.Content.ReadAsStringAsync();
            if (poll.StatusCode != HttpStatusCode.ServiceUnavailable || clock.Elapsed > Lookups.UnavailablePatience)
            {
                return (poll.StatusCode, body, unavailable);
            }

            unavailable++;
            await Task.Delay(200);
        }
    }
}
