using System.Net;
using System.Net.Http.Json;
using EventDriven.TestSupport;

namespace EventDriven.Distributed.Tests;

[Collection(DistributedCollection.Name)]
public sealed class When_the_api_and_the_workers_run_as_separate_processes_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_complete_postcode_and_coordinates_lookups_through_RabbitMQ()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync();
        var api = (await system.StartProducersAsync()).Http;

        var postcodeLookup = await Lookups.AcceptAsync(api, "B1 1AA");
        using var coordinates = await api.GetAsync(new Uri("/coordinates?latitude=52.629729&longitude=-1.131592", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Accepted, coordinates.StatusCode);
        var coordinatesLookup = (await coordinates.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("lookupId").GetGuid();

        var done = await Lookups.WaitForAsync(api, [postcodeLookup, coordinatesLookup], TimeSpan.FromSeconds(60));

        foreach (var status in done.Values)
        {
            Assert.Equal("Completed", status.GetProperty("status").GetString());
            var result = status.GetProperty("result");
            Assert.Equal("simulated", result.GetProperty("dataSource").GetString());
            Assert.Equal(result.GetProperty("crimes").GetArrayLength(), result.GetProperty("totalCrimes").GetInt32());
        }

        // The API process answers the next request from the shared results store, without the workers.
        var (again, id, _) = await Lookups.RequestAsync(api, "b11aa");
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(postcodeLookup, id);
    }

    [Fact]
    public async Task Should_refuse_to_start_workers_on_RabbitMQ_that_cannot_share_state()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        var environment = system.Environment(new Dictionary<string, string> { ["Persistence__Provider"] = "InMemory" });

        await using var workers = await AppProcess.StartAsync(AppProcess.Consumers, environment, readyPath: null);

        Assert.True(await workers.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the worker process kept running");
        Assert.NotEqual(0, workers.ExitCode);
        Assert.Contains("Persistence__Provider=DynamoDb", workers.Output, StringComparison.Ordinal);
    }
}
