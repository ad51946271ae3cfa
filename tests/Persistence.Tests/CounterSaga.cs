using Amazon.DynamoDBv2.Model;
using EventDriven.Persistence.DynamoDb;
using MassTransit;

namespace EventDriven.Persistence.Tests;

/// <summary>A tiny saga for contention tests: every <see cref="Increment"/> adds one to <see cref="CounterState.Count"/>.</summary>
public sealed class CounterState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = string.Empty;
    public int Version { get; set; }
    public int Count { get; set; }
}

public sealed record Increment(Guid CorrelationId);

public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Incremented, x => x.CorrelateById(m => m.Message.CorrelationId));

        Initially(When(Incremented).Then(ctx => ctx.Saga.Count++).TransitionTo(Counting));
        During(Counting, When(Incremented).Then(ctx => ctx.Saga.Count++));
    }

    public State Counting { get; private set; } = null!;
    public Event<Increment> Incremented { get; private set; } = null!;
}

/// <summary>The same endpoint settings as the lookup saga's definition (Sagas/CrimeLookupStateDefinition.cs), so the race is the real one.</summary>
public sealed class CounterStateDefinition : SagaDefinition<CounterState>
{
    public CounterStateDefinition() => Endpoint(e => e.ConcurrentMessageLimit = 32);

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<CounterState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(100, 500, 1000);
            r.Ignore<ConcurrencyException>();
        });
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(50, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(10));
            r.Handle<ConcurrencyException>();
        });
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}

public sealed class CounterStateItemMapper(TimeProvider time) : IDynamoSagaItemMapper<CounterState>
{
    public Dictionary<string, AttributeValue> ToAttributes(CounterState instance, DateTimeOffset now) => new()
    {
        [SagaItemAttributes.State] = DynamoAttributes.String(instance.CurrentState),
        [SagaItemAttributes.UpdatedAt] = DynamoAttributes.Timestamp(time.GetUtcNow()),
        ["Count"] = DynamoAttributes.Number(instance.Count),
    };

    public CounterState FromItem(StoredItem item) => new()
    {
        CurrentState = item.RequiredString(SagaItemAttributes.State),
        Count = item.RequiredInt("Count"),
    };
}

/// <summary>The counter as its history sees it (the lookup saga's is <c>LookupStateDescriber</c>).</summary>
public sealed class CounterStateDescriber : EventDriven.Persistence.History.ISagaDescriber<CounterState>
{
    public string StateOf(CounterState instance) => string.IsNullOrEmpty(instance.CurrentState) ? "Initial" : instance.CurrentState;

    public IReadOnlyList<KeyValuePair<string, string?>> FieldsOf(CounterState instance) =>
        [new("count", instance.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    public bool IsBookkeeping(string field) => false;
}
