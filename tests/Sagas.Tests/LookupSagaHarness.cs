using System.Linq.Expressions;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Values;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EventDriven.Sagas.Tests;

/// <summary>
/// The lookup saga on MassTransit's test harness (in-memory transport and repository) with the production
/// endpoint definition (retries, in-memory outbox, 32 concurrent messages) and a fake clock.
/// One per test: the harness's "bus is quiet" signal fires once, so negative checks come at the end of a test.
/// </summary>
internal sealed class LookupSagaHarness : IAsyncDisposable
{
    /// <summary>How long the bus must be idle before "nothing else happened" is believed.</summary>
    private static readonly TimeSpan QuietAfter = TimeSpan.FromMilliseconds(300);

    private readonly ServiceProvider _provider;

    private LookupSagaHarness(ServiceProvider provider, FakeTimeProvider time)
    {
        _provider = provider;
        Time = time;
        Bus = provider.GetRequiredService<ITestHarness>();
        Saga = Bus.GetSagaStateMachineHarness<CrimeLookupStateMachine, CrimeLookupState>();
        Options = provider.GetRequiredService<IOptions<LookupOptions>>().Value;
    }

    public FakeTimeProvider Time { get; }

    public ITestHarness Bus { get; }

    public ISagaStateMachineTestHarness<CrimeLookupStateMachine, CrimeLookupState> Saga { get; }

    public LookupOptions Options { get; }

    public static async Task<LookupSagaHarness> StartAsync(Action<IBusRegistrationConfigurator>? workers = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddOptions<LookupOptions>();
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddSagaStateMachine<CrimeLookupStateMachine, CrimeLookupState, CrimeLookupStateDefinition>().InMemoryRepository();
            workers?.Invoke(bus);
        });
        services.Configure<TestHarnessOptions>(o =>
        {
            o.TestTimeout = TimeSpan.FromSeconds(15);
            o.TestInactivityTimeout = QuietAfter;
        });

        var harness = new LookupSagaHarness(services.BuildServiceProvider(validateScopes: true), time);
        await harness.Bus.Start();
        return harness;
    }

    public DateTimeOffset Now => Time.GetUtcNow();

    public Task Publish<T>(T message)
        where T : class => Bus.Bus.Publish(message);

    public Task RequestPostcode(Guid id, string postcode) => Publish(new PostcodeRequested(id, postcode, Now));

    public Task RequestCoordinates(Guid id, double latitude, double longitude) =>
        Publish(new CoordinatesRequested(id, latitude, longitude, Now));

    /// <summary>Waits until the instance is in <paramref name="state"/> and meets <paramref name="condition"/>; fails the test otherwise.</summary>
    public async Task<LookupSnapshot> WaitFor(
        Guid id, Func<CrimeLookupStateMachine, State> state, Expression<Func<CrimeLookupState, bool>>? condition = null)
    {
        Expression<Func<CrimeLookupState, bool>> filter = x => x.CorrelationId == id;
        if (condition is not null)
        {
            var instance = condition.Parameters[0];
            filter = Expression.Lambda<Func<CrimeLookupState, bool>>(
                Expression.AndAlso(Expression.Invoke(filter, instance), condition.Body), instance);
        }

        var found = await Saga.Exists(filter, state);
        if (found is not { Count: > 0 })
        {
            var actual = await Load(id);
            Assert.Fail($"Lookup {id} did not reach {state(Saga.StateMachine).Name} {condition} in time; it is " +
                        (actual is null ? "missing" : $"{actual.Status} (requests {actual.RequestCount}, attempts {actual.Attempts})"));
        }

        return (await Load(id))!;
    }

    /// <summary>Waits until the bus has been idle for a while, then returns the instance as it is.</summary>
    public async Task<LookupSnapshot?> Settle(Guid id)
    {
        await Bus.InactivityTask;
        return await Load(id);
    }

    public async Task<LookupSnapshot?> Load(Guid id)
    {
        var instance = await _provider.GetRequiredService<ILoadSagaRepository<CrimeLookupState>>().Load(id);
        return instance?.ToSnapshot();
    }

    /// <summary>Every <typeparamref name="T"/> sent, once the bus has gone quiet (so the count is final).</summary>
    public async Task<IReadOnlyList<SendContext<T>>> AllSent<T>()
        where T : class
    {
        await Bus.InactivityTask;
        return Bus.Sent.Select<T>().Select(x => x.Context).ToList();
    }

    /// <summary>Every <typeparamref name="T"/> published, once the bus has gone quiet (so the count is final).</summary>
    public async Task<IReadOnlyList<PublishContext<T>>> AllPublished<T>()
        where T : class
    {
        await Bus.InactivityTask;
        return Bus.Published.Select<T>().Select(x => x.Context).ToList();
    }

    /// <summary>Every <typeparamref name="T"/> consumed on the bus, once it has gone quiet.</summary>
    public async Task<IReadOnlyList<ConsumeContext<T>>> AllConsumed<T>()
        where T : class
    {
        await Bus.InactivityTask;
        return Bus.Consumed.Select<T>().Select(x => x.Context).ToList();
    }

    /// <summary>Runs a postcode lookup through geocoding and crimes to <c>Completed</c>.</summary>
    public async Task<LookupSnapshot> CompletePostcode(Guid id, string postcode, string month = "2026-09", int totalCrimes = 42)
    {
        await RequestPostcode(id, postcode);
        await WaitFor(id, m => m.Geocoding);
        await Publish(new PostcodeGeocoded(id, postcode, 51.501009, -0.141588, "England"));
        await WaitFor(id, m => m.FetchingCrimes);
        await Publish(new CrimesFetched(id, month, totalCrimes, "simulated"));
        return await WaitFor(id, m => m.Completed);
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await _provider.DisposeAsync();
    }
}
