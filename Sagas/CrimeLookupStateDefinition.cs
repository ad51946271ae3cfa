using EventDriven.Contracts;
using MassTransit;

namespace EventDriven.Sagas;

/// <summary>Endpoint settings of the saga: its queue name, retries (incl. optimistic-concurrency conflicts) and outbox.</summary>
public sealed class CrimeLookupStateDefinition : SagaDefinition<CrimeLookupState>
{
    public CrimeLookupStateDefinition()
    {
        Endpoint(e =>
        {
            e.Name = QueueNames.CrimeLookupSaga;
            e.ConcurrentMessageLimit = 32;
        });
    }

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator,
        ISagaConfigurator<CrimeLookupState> sagaConfigurator,
        IRegistrationContext context)
    {
        // A lost optimistic-concurrency race re-reads the instance and re-applies the event; other errors get a few tries.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(100, 500, 1000);
            r.Ignore<ConcurrencyException>();
            // A malformed postcode or point in a hand-made message will never parse: straight to the error queue.
            r.Ignore<FormatException>();
            r.Ignore<ArgumentOutOfRangeException>();
            // A store that is away is waited out by the endpoint's outermost retry, for minutes, not given 1.6 s here.
            r.Ignore<InfrastructureUnavailableException>();
        });
        endpointConfigurator.UseMessageRetry(r =>
        {
            // Many events racing for one instance: short, growing, jittered waits until each wins its turn.
            r.Exponential(50, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(10));
            r.Handle<ConcurrencyException>();
        });
        // Sends and publishes leave only after the instance is saved, so a retried event never duplicates commands.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
