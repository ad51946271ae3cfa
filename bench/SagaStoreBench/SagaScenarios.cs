using System.Diagnostics;
using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Contracts.Results;
using EventDriven.Contracts.Values;
using EventDriven.Persistence;
using EventDriven.Persistence.DynamoDb;
using EventDriven.Sagas;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EventDriven.SagaStoreBench;

/// <summary>The real lookup saga on an in-memory bus, with the saga endpoint's real retry and concurrency settings.</summary>
internal static class SagaScenarios
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    /// <summary>Distinct lookups: PostcodeRequested, PostcodeGeocoded, CrimesFetched for each = 3 transitions per instance, no contention.</summary>
    public static async Task<BenchResult> ThroughputAsync(string provider, string serviceUrl, BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var bench = await BenchBus.StartAsync(provider, serviceUrl, cancellationToken);
        var keys = Enumerable.Range(0, settings.Keys).Select(PostcodeKey).ToList();
        var clock = Stopwatch.StartNew();

        await bench.PublishAndWaitAsync(keys.Select(k => (object)new PostcodeRequested(k.CorrelationId, k.Postcode!.Value.Value, DateTimeOffset.UtcNow)), cancellationToken);
        await bench.PublishAndWaitAsync(keys.Select(k => (object)new PostcodeGeocoded(k.CorrelationId, k.Postcode!.Value.Value, 51.5, -0.14, "England")), cancellationToken);
        await bench.PublishAndWaitAsync(keys.Select(k => (object)new CrimesFetched(k.CorrelationId, "2026-09", 12, DataSources.Simulated)), cancellationToken);
        clock.Stop();

        var completed = 0;
        foreach (var key in keys.Take(50))
        {
            completed += (await bench.Reader.GetAsync(key.CorrelationId, cancellationToken))?.Status == LookupStatus.Completed ? 1 : 0;
        }

        Console.WriteLine($"{provider}: throughput run done ({bench.Consumed} events in {clock.Elapsed.TotalSeconds:0.00} s)");
        return new BenchResult(provider, "distinct lookups", keys.Count, bench.Consumed, clock.Elapsed, bench.Conflicts, bench.Faults,
            Complete: bench.Consumed == 3 * keys.Count && completed == Math.Min(50, keys.Count));
    }

    /// <summary>Many duplicate requests for a few keys: every one is an update of a hot instance racing the others.</summary>
    public static async Task<BenchResult> ContentionAsync(string provider, string serviceUrl, BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var bench = await BenchBus.StartAsync(provider, serviceUrl, cancellationToken);
        var keys = Enumerable.Range(100_000, settings.HotKeys).Select(PostcodeKey).ToList();
        var clock = Stopwatch.StartNew();

        await bench.PublishAndWaitAsync(Enumerable.Range(0, settings.ContentionEvents).Select(i =>
        {
            var key = keys[i % keys.Count];
            return (object)new PostcodeRequested(key.CorrelationId, key.Postcode!.Value.Value, DateTimeOffset.UtcNow);
        }), cancellationToken);
        clock.Stop();

        long requests = 0;
        foreach (var key in keys)
        {
            requests += (await bench.Reader.GetAsync(key.CorrelationId, cancellationToken))?.RequestCount ?? 0;
        }

        Console.WriteLine($"{provider}: contention run done ({bench.Consumed} events, {bench.Conflicts} conflicts, {requests} requests counted)");
        return new BenchResult(provider, $"{settings.HotKeys} hot instances", keys.Count, bench.Consumed, clock.Elapsed, bench.Conflicts, bench.Faults,
            Complete: requests == settings.ContentionEvents); // no lost update: every request counted exactly once
    }

    /// <summary>
    /// The store alone, no bus: load-then-update cycles on distinct instances from 32 parallel workers (the saga endpoint's
    /// concurrency). Each cycle is what one saga transition costs in DynamoDB calls: a consistent GetItem and a conditional PutItem.
    /// </summary>
    public static async Task<BenchResult> StoreCyclesAsync(string serviceUrl, BenchSettings settings, CancellationToken cancellationToken)
    {
        await using var bench = await BenchBus.StartAsync("DynamoDb", serviceUrl, cancellationToken);
        var store = bench.Store!;
        var keys = Enumerable.Range(0, settings.Keys).Select(PostcodeKey).ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (key, ct) =>
            await store.InsertAsync(new CrimeLookupState
            {
                CorrelationId = key.CorrelationId, CurrentState = LookupStatus.Geocoding, LookupKey = key.Value, Postcode = key.Postcode!.Value.Value,
                CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow, FirstRequestedAt = DateTimeOffset.UtcNow, LastRequestedAt = DateTimeOffset.UtcNow,
            }, ct));

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            var instance = (await store.LoadAsync(key.CorrelationId, ct))!;
            instance.RequestCount++;
            await store.UpdateAsync(instance, ct);
        });
        clock.Stop();
        Console.WriteLine($"DynamoDb: store-only run done ({keys.Count} load+update cycles in {clock.Elapsed.TotalSeconds:0.00} s)");
        return new BenchResult("DynamoDb", "store only: load+update, no bus", keys.Count, keys.Count, clock.Elapsed, store.VersionConflicts, 0, Complete: true);
    }

    /// <summary>Valid, distinct English postcodes: outward M1..M99 (wrapping), inward digit + two letters.</summary>
    private static LookupKey PostcodeKey(int n)
    {
        const string letters = "ABDEFGHJLNPQRSTUWXYZ";
        var outward = $"M{1 + (n / 4000 % 99)}";
        var inward = $"{n % 10}{letters[n / 10 % 20]}{letters[n / 200 % 20]}";
        return LookupKey.For(Postcode.Parse($"{outward} {inward}"));
    }

    private sealed class BenchBus : IAsyncDisposable, IReceiveObserver
    {
        private readonly ServiceProvider _provider;
        private readonly IBusControl _bus;
        private readonly DynamoDbSagaStore<CrimeLookupState>? _store;
        private int _consumed;
        private int _faults;

        private BenchBus(ServiceProvider provider)
        {
            _provider = provider;
            _bus = provider.GetRequiredService<IBusControl>();
            _store = provider.GetService<DynamoDbSagaStore<CrimeLookupState>>();
            Reader = provider.GetRequiredService<ILookupStateReader>();
            _bus.ConnectReceiveObserver(this);
        }

        public ILookupStateReader Reader { get; }
        public int Consumed => Volatile.Read(ref _consumed);
        public int Faults => Volatile.Read(ref _faults);
        public long Conflicts => _store?.VersionConflicts ?? 0;
        public DynamoDbSagaStore<CrimeLookupState>? Store => _store;

        public static async Task<BenchBus> StartAsync(string provider, string serviceUrl, CancellationToken cancellationToken)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Persistence:Provider"] = provider,
                ["Persistence:DynamoDb:ServiceUrl"] = serviceUrl,
                // A fresh set of tables per run, so runs do not see each other's instances.
                ["Persistence:DynamoDb:TablePrefix"] = $"bench{Guid.NewGuid():N}"[..13] + "-",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMetrics();
            services.AddOptions<LookupOptions>();
            services.AddLookupPersistence(configuration);
            services.AddMassTransit(bus =>
            {
                bus.AddCrimeLookupSaga(configuration);
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            });
            var provider1 = services.BuildServiceProvider();
            foreach (var hosted in provider1.GetServices<IHostedService>().Where(h => h is EnsureDynamoTablesHostedService))
            {
                await hosted.StartAsync(cancellationToken);
            }

            var bench = new BenchBus(provider1);
            await bench._bus.StartAsync(cancellationToken);
            return bench;
        }

        /// <summary>Publishes the batch and waits until the saga has consumed all of it (or faulted some).</summary>
        public async Task PublishAndWaitAsync(IEnumerable<object> messages, CancellationToken cancellationToken)
        {
            var batch = messages.ToList();
            var target = Consumed + Faults + batch.Count;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (message, ct) => await _bus.Publish(message, ct));
            var deadline = Stopwatch.StartNew();
            while (Consumed + Faults < target)
            {
                if (deadline.Elapsed > Patience)
                {
                    throw new TimeoutException($"Only {Consumed + Faults} of {target} events were handled within {Patience}.");
                }

                await Task.Delay(5, cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _bus.StopAsync();
            await _provider.DisposeAsync();
        }

        Task IReceiveObserver.PreReceive(ReceiveContext context) => Task.CompletedTask;

        Task IReceiveObserver.PostReceive(ReceiveContext context) => Task.CompletedTask;

        Task IReceiveObserver.PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        {
            Interlocked.Increment(ref _consumed);
            return Task.CompletedTask;
        }

        Task IReceiveObserver.ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        {
            Interlocked.Increment(ref _faults);
            return Task.CompletedTask;
        }

        Task IReceiveObserver.ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;
    }
}
