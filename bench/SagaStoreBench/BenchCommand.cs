using System.CommandLine;
using EventDriven.TestSupport;

namespace EventDriven.SagaStoreBench;

/// <summary>
/// <c>dotnet run -c Release --project bench/SagaStoreBench</c>: saga transitions per second of the real lookup saga on
/// the in-memory repository and on DynamoDB (Local unless <c>--service-url</c>), and the conflict-retry rate when many
/// events hit few instances.
/// </summary>
internal static class BenchCommand
{
    public static RootCommand Create()
    {
        var keys = new Option<int>("--keys") { Description = "Distinct lookups in the throughput run (3 transitions each).", DefaultValueFactory = _ => 1000 };
        var contentionEvents = new Option<int>("--contention-events") { Description = "Events in the contention run.", DefaultValueFactory = _ => 2000 };
        var hotKeys = new Option<int>("--hot-keys") { Description = "Instances the contention run's events share.", DefaultValueFactory = _ => 4 };
        var serviceUrl = new Option<string?>("--service-url") { Description = "A running DynamoDB endpoint; default: start DynamoDB Local on a free port." };
        var root = new RootCommand("Saga store benchmark: in-memory vs DynamoDB, throughput and contention.")
        {
            keys, contentionEvents, hotKeys, serviceUrl,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchSettings(parse.GetValue(keys), parse.GetValue(contentionEvents), parse.GetValue(hotKeys));
            if (settings.Keys < 1 || settings.ContentionEvents < 1 || settings.HotKeys < 1)
            {
                await Console.Error.WriteLineAsync("--keys, --contention-events and --hot-keys must be at least 1.");
                return 2;
            }

            var url = parse.GetValue(serviceUrl);
            DynamoDbLocal? local = null;
            if (url is null)
            {
                Console.WriteLine("starting DynamoDB Local ...");
                local = await DynamoDbLocal.StartAsync(cancellationToken: cancellationToken);
                url = local.ServiceUrl;
            }

            try
            {
                var results = new List<BenchResult>();
                foreach (var provider in new[] { "InMemory", "DynamoDb" })
                {
                    results.Add(await SagaScenarios.ThroughputAsync(provider, url, settings, cancellationToken));
                    results.Add(await SagaScenarios.ContentionAsync(provider, url, settings, cancellationToken));
                }

                results.Add(await SagaScenarios.StoreCyclesAsync(url, settings, cancellationToken));
                BenchResult.PrintTable(results);
                return results.All(r => r.Complete) ? 0 : 1;
            }
            finally
            {
                if (local is not null)
                {
                    await local.DisposeAsync();
                }
            }
        });
        return root;
    }
}

internal sealed record BenchSettings(int Keys, int ContentionEvents, int HotKeys);
