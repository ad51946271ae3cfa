using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Workers.Upstreams;
using MassTransit;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// Endpoint settings shared by the consumers that call an upstream. The HTTP pipeline already retries each call; the
/// endpoint adds two spaced retries for what is left (e.g. a circuit that is open), then the message goes to
/// <c>{queue}_error</c> for replay. No retry storms. The outbox holds replies until the consumer has finished.
/// Our own store or the broker being away is not the upstream failing: that is waited out by every endpoint's outermost
/// retry (<c>InfrastructureOutageRetry</c> in Hosting), so these retries leave it alone.
/// </summary>
public abstract class UpstreamConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected UpstreamConsumerDefinition(string queue, int concurrentMessageLimit)
    {
        EndpointName = queue;
        ConcurrentMessageLimit = concurrentMessageLimit;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
            r.Ignore<Exception>(InfrastructureOutageRetry.IsOutage);
        });
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

public sealed class GeocodePostcodeConsumerDefinition() : UpstreamConsumerDefinition<GeocodePostcodeConsumer>(QueueNames.GeocodePostcode, 16);

/// <summary>The shared rate limiter paces the police calls; the concurrency limit bounds how many wait in its queue.</summary>
public sealed class FetchCrimesConsumerDefinition() : UpstreamConsumerDefinition<FetchCrimesConsumer>(QueueNames.FetchCrimes, 16)
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<FetchCrimesConsumer> consumerConfigurator, IRegistrationContext context)
    {
        base.ConfigureConsumer(endpointConfigurator, consumerConfigurator, context);
        // The other workers count this one by its fetch-crimes consumer: a joining worker's first police call waits for that.
        if (context.GetService(typeof(FleetPoliceShare)) is FleetPoliceShare share)
        {
            endpointConfigurator.ConnectReceiveEndpointObserver(share);
        }
    }
}

public sealed class UnsupportedPostcodeRecorderDefinition : ConsumerDefinition<UnsupportedPostcodeRecorder>
{
    public UnsupportedPostcodeRecorderDefinition() => EndpointName = QueueNames.UnsupportedPostcodes;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<UnsupportedPostcodeRecorder> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
            r.Ignore<Exception>(InfrastructureOutageRetry.IsOutage);
        });
}
