using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using EventDriven.Workers.Upstreams;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Tests;

public sealed class When_configuring_upstreams_Specs
{
    [Theory]
    [InlineData("Upstreams:PoliceApi:BaseUrl", "not a url", "Upstreams__PoliceApi__BaseUrl")]
    [InlineData("Upstreams:PostcodesIo:BaseUrl", "ftp://example.org/", "Upstreams__PostcodesIo__BaseUrl")]
    [InlineData("Upstreams:PoliceApi:BaseUrl", "https://data.police.uk/api", "must end with '/'")]
    [InlineData("Upstreams:PoliceApi:RequestsPerSecond", "0", "Upstreams__PoliceApi__RequestsPerSecond")]
    [InlineData("Upstreams:PoliceApi:Burst", "-3", "Upstreams__PoliceApi__Burst")]
    [InlineData("Upstreams:MaxRetryAttempts", "50", "Upstreams__MaxRetryAttempts")]
    public void Should_refuse_invalid_values_naming_the_key(string key, string value, string expected)
    {
        var error = Record.Exception(() =>
        {
            using var host = new UpstreamTestHost(new Dictionary<string, string?> { [key] = value });
            _ = host.Get<IOptions<UpstreamOptions>>().Value;
        });

        Assert.NotNull(error);
        Assert.Contains(expected, error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_separate_processes_that_cannot_share_state()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusExtensions.CheckTopology(
            new BusOptions { Transport = BusTransport.RabbitMq },
            new PersistenceOptions { Provider = PersistenceProvider.InMemory },
            BusRole.Api));

        Assert.Contains("Persistence__Provider=DynamoDb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_worker_process_on_the_in_memory_bus()
    {
        var error = Assert.Throws<InvalidOperationException>(() => BusExtensions.CheckTopology(
            new BusOptions { Transport = BusTransport.InMemory },
            new PersistenceOptions(),
            BusRole.Workers));

        Assert.Contains("Bus__Transport=RabbitMq", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_the_embedded_and_the_distributed_topologies()
    {
        BusExtensions.CheckTopology(new BusOptions(), new PersistenceOptions(), BusRole.Embedded);
        BusExtensions.CheckTopology(
            new BusOptions { Transport = BusTransport.RabbitMq },
            new PersistenceOptions { Provider = PersistenceProvider.DynamoDb },
            BusRole.Workers);
    }
}
