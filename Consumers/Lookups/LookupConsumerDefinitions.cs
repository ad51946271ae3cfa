using EventDriven.Contracts;
using MassTransit;

namespace EventDriven.Consumers.Lookups;

/// <summary>
/// The HTTP pipeline already retries each upstream call; the endpoint adds two spaced retries for what is left
/// (e.g. a circuit that is open), then the message goes to <c>{queue}_error</c> for replay. No retry storms.
/// </summary>
public sealed class GeocodePostcodeConsumerDefinition : ConsumerDefinition<GeocodePostcodeConsumer>
{
    public GeocodePostcodeConsumerDefinition()
    {
        EndpointName = QueueNames.GeocodePostcode;
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<GeocodePostcodeConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

public sealed class FetchCrimesConsumerDefinition : ConsumerDefinition<FetchCrimesConsumer>
{
    public FetchCrimesConsumerDefinition()
    {
        EndpointName = QueueNames.FetchCrimes;
        // The shared rate limiter paces the calls; this bounds how many wait in its queue.
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<FetchCrimesConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)));
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

public sealed class UnsupportedPostcodeRecorderDefinition : ConsumerDefinition<UnsupportedPostcodeRecorder>
{
    public UnsupportedPostcodeRecorderDefinition() => EndpointName = QueueNames.UnsupportedPostcodes;
}
