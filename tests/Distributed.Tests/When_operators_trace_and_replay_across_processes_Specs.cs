using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Persistence.DynamoDb;
using EventDriven.TestSupport;
using RabbitMQ.Client;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// History, failure groups, paced replays (canary, pause, resume after the driving API process is gone, cancel, the
/// ledger) and the audit trail with real Producers and Consumers processes on a RabbitMQ node and DynamoDB Local, and
/// the simulator enforcing the police budget.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_operators_trace_and_replay_across_processes_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>, IAsyncLifetime
{
    private const string AliceKey = "alice-distributed-admin-key-0123456789";
    private static readonly Dictionary<string, string> ApiSettings = new() { ["Admin__Keys__alice"] = AliceKey };

    /// <summary>Few, quick retries so a dead upstream dead-letters a command in seconds.</summary>
    private static readonly Dictionary<string, string> QuickToGiveUp = new()
    {
        ["Upstreams__MaxRetryAttempts"] = "1",
        ["Upstreams__RetryBaseDelay"] = "00:00:00.050",
    };

    /// <summary>
    /// The specs of this class share a node, and each counts what is in the error queues: an earlier spec that failed
    /// midway leaves its dead letters there (a rehearsal once found 36 where this class had put 30).
    /// </summary>
    public Task InitializeAsync() => rabbit.Node.PurgeAsync(
        [QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), QueueNames.ErrorQueueOf(QueueNames.FetchCrimesReplay)]);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_trace_a_failed_lookup_group_its_dead_letter_and_replay_it_behind_a_canary_within_the_budget()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync(QuickToGiveUp);
        var api = (await system.StartProducersAsync(ApiSettings)).Http;

        await system.SetFaultsAsync("PoliceApi", outage: true);
        var lookups = new List<Guid>();
        foreach (var postcode in Lookups.Postcodes(6, offset: 3000))
        {
            lookups.Add(await Lookups.AcceptAsync(api, postcode));
        }

        var failed = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(120));
        Assert.All(failed.Values, s => Assert.Equal("Failed", s.GetProperty("status").GetString()));

        // The flight recorder, from the shared store: written by the worker process, read by the API process.
        var history = await WaitForHistoryAsync(api, lookups[0], entries => entries.Any(e => Kind(e) == "deadLetter"));
        var transitions = history.Where(e => Kind(e) == "transition").Select(e => (Text(e, "from"), Text(e, "to"), Text(e, "messageType"))).ToList();
        Assert.Equal(
            [("Initial", "Geocoding", "PostcodeRequested"), ("Geocoding", "FetchingCrimes", "PostcodeGeocoded"), ("FetchingCrimes", "Failed", "Fault<FetchCrimes>")],
            transitions);
        Assert.Contains(history, e => Kind(e) == "upstream" && Text(e, "upstream") == "postcodes-io" && e.GetProperty("status").GetInt32() == 200);
        // The failed police calls are recorded for the lookups that reached the police: once the workers' circuit opened,
        // a lookup's FetchCrimes fails without a call (which lookup gets there first depends on the machine's pace).
        var policeCalls = new List<JsonElement>();
        foreach (var lookup in lookups)
        {
            policeCalls.AddRange((await WaitForHistoryAsync(api, lookup, entries => entries.Any(e => Kind(e) == "deadLetter")))
                .Where(e => Kind(e) == "upstream" && Text(e, "upstream") == "police-api"));
        }

        Assert.NotEmpty(policeCalls);
        Assert.All(policeCalls, e => Assert.Equal(0, e.GetProperty("status").GetInt32()));
        Assert.Contains(history, e => Kind(e) == "deadLetter" && Text(e, "queue") == QueueNames.FetchCrimes && Text(e, "messageType") == "FetchCrimes");

        var groups = (await Admin(api, HttpMethod.Get, "/admin/dead-letters/groups")).GetProperty("groups").EnumerateArray().ToList();
        Assert.All(groups, g => Assert.Equal("FetchCrimes", Text(g, "messageType")));
        Assert.Equal(6, groups.Sum(g => g.GetProperty("count").GetInt32()));

        await system.SetFaultsAsync("Both");
        await WaitUntilCrimesWorkAgainAsync(api);
        var started = await Admin(api, HttpMethod.Post, "/admin/dead-letters/replays?queue=fetch-crimes&rate=20&first=2", HttpStatusCode.Accepted);
        var replayId = Text(started, "id")!;
        Assert.Equal("alice", Text(started, "startedBy"));

        var job = await WaitForReplayAsync(api, replayId, j => Text(j, "status") == "Completed", TimeSpan.FromSeconds(120));
        Assert.True(job.GetProperty("canaryPassed").GetBoolean());
        Assert.Equal(job.GetProperty("total").GetInt32(), job.GetProperty("replayed").GetInt32());
        Assert.True(job.GetProperty("total").GetInt32() >= 6); // the six, plus any probe that failed while the circuit was still open
        var done = await Lookups.WaitForAsync(api, lookups, TimeSpan.FromSeconds(60), status => status == "Completed");
        Assert.Equal(6, done.Count);
        Assert.Equal(0, (await system.StatsAsync()).Throttled);

        // The replay is in the lookup's history, by whom, before the transition it caused.
        history = await WaitForHistoryAsync(api, lookups[0], entries => entries.Any(e => Kind(e) == "transition" && Text(e, "to") == "Completed"));
        var replayed = history.FindIndex(e => Kind(e) == "replay" && Text(e, "replayId") == replayId);
        Assert.True(replayed >= 0, "no replay entry");
        Assert.Equal("alice", Text(history[replayed], "by"));
        Assert.Equal(QueueNames.FetchCrimesReplay, Text(history[replayed], "targetQueue"));
        Assert.Contains(history.Skip(replayed), e => Kind(e) == "transition" && Text(e, "from") == "Failed" && Text(e, "to") == "Completed");

        var audit = (await Admin(api, HttpMethod.Get, "/admin/audit")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(audit, a => Text(a, "who") == "alice" && Text(a, "action") == "replay" && Text(a, "outcome") == "started");
        Assert.Contains(audit, a => Text(a, "who") == "alice" && Text(a, "action") == "replay" && Text(a, "outcome")!.StartsWith("completed:", StringComparison.Ordinal));

        // Nothing left, so replaying the same selection again does nothing.
        var again = await Admin(api, HttpMethod.Post, "/admin/dead-letters/replays?queue=fetch-crimes", HttpStatusCode.Accepted);
        Assert.Equal(("Completed", 0), (Text(again, "status"), again.GetProperty("total").GetInt32()));
    }

    [Fact]
    public async Task Should_pause_resume_on_another_api_process_cancel_and_never_publish_a_dead_letter_twice()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync();
        var first = await system.StartProducersAsync(ApiSettings);
        var dead = await DeadLetterFetchCrimesAsync(30, offset: 0);

        // The ledger already knows the first one (published by a replay that died before removing it).
        using (var client = dynamo.CreateClient())
        {
            await new DynamoDbReplayJobStore(client, DynamoTableNames.For(system.TablePrefix)).MarkReplayedAsync(dead[0].MessageId, dead[0].FaultStamp, "r-earlier");
        }

        var crimesBefore = (await system.StatsAsync()).CrimesRequests;
        var replayId = Text(await Admin(first.Http, HttpMethod.Post, "/admin/dead-letters/replays?queue=fetch-crimes&rate=4", HttpStatusCode.Accepted), "id")!;
        await WaitForReplayAsync(first.Http, replayId, j => j.GetProperty("replayed").GetInt32() >= 4, TimeSpan.FromSeconds(60));
        var paused = await Admin(first.Http, HttpMethod.Post, $"/admin/dead-letters/replays/{replayId}/pause");
        Assert.Equal("Paused", Text(paused, "status"));

        // Once its driver has stopped, what is left in the error queue and the progress in the store add up.
        var errorQueue = QueueNames.ErrorQueueOf(QueueNames.FetchCrimes);
        var atPause = await WaitForReplayAsync(first.Http, replayId,
            j => j.GetProperty("owner").ValueKind == JsonValueKind.Null && Done(j) + Depth(errorQueue) == 30, TimeSpan.FromSeconds(30));
        Assert.InRange(Done(atPause), 4, 29);

        // The API process that drove it is gone; another one resumes it from the store.
        await first.KillAsync();
        var second = await system.StartProducersAsync(ApiSettings);
        Assert.Equal("Running", Text(await Admin(second.Http, HttpMethod.Post, $"/admin/dead-letters/replays/{replayId}/resume"), "status"));
        var finished = await WaitForReplayAsync(second.Http, replayId, j => Text(j, "status") == "Completed", TimeSpan.FromSeconds(90));

        Assert.Equal((29, 1, 30), (finished.GetProperty("replayed").GetInt32(), finished.GetProperty("skipped").GetInt32(), finished.GetProperty("total").GetInt32()));
        Assert.Equal(0, Depth(errorQueue));
        // Every replayed command was consumed exactly once: one police call each, none for the one the ledger knew.
        await Eventually.UntilAsync(async () => (await system.StatsAsync()).CrimesRequests - crimesBefore >= 29 && Depth(QueueNames.FetchCrimesReplay) == 0, TimeSpan.FromSeconds(60));
        Assert.Equal(29, (await system.StatsAsync()).CrimesRequests - crimesBefore);
        Assert.Equal(0, (await system.StatsAsync()).Throttled);

        var audit = (await Admin(second.Http, HttpMethod.Get, "/admin/audit")).GetProperty("items").EnumerateArray()
            .Where(a => Text(a, "what")!.StartsWith(replayId, StringComparison.Ordinal)).Select(a => (Text(a, "who"), Text(a, "action"))).ToList();
        Assert.Contains(("alice", "replay-pause"), audit);
        Assert.Contains(("alice", "replay-resume"), audit);

        // Cancel: the driver stops, and what it had not replayed stays in the error queue.
        await DeadLetterFetchCrimesAsync(10, offset: 100);
        var cancelId = Text(await Admin(second.Http, HttpMethod.Post, "/admin/dead-letters/replays?queue=fetch-crimes&rate=1", HttpStatusCode.Accepted), "id")!;
        await WaitForReplayAsync(second.Http, cancelId, j => Done(j) >= 1, TimeSpan.FromSeconds(60));
        Assert.Equal("Canceled", Text(await Admin(second.Http, HttpMethod.Post, $"/admin/dead-letters/replays/{cancelId}/cancel"), "status"));
        var canceled = await WaitForReplayAsync(second.Http, cancelId, j => Done(j) + Depth(errorQueue) == 10, TimeSpan.FromSeconds(30));
        Assert.Equal("Canceled", Text(canceled, "status"));
        Assert.InRange(Depth(errorQueue), 1, 9);
        var refused = await AdminResponse(second.Http, HttpMethod.Post, $"/admin/dead-letters/replays/{cancelId}/resume");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task Should_explain_a_stuck_lookup_by_its_upstream_calls_re_drive_it_purge_a_confirmed_group_and_show_it_all_to_the_cli()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync(new Dictionary<string, string> { ["Upstreams__MaxRetryAttempts"] = "1" });
        var api = (await system.StartProducersAsync(ApiSettings)).Http;

        // The police API answers after the attempt timeout (10 s): the lookup waits in FetchingCrimes, its calls time out.
        await system.SetFaultsAsync("PoliceApi", latency: TimeSpan.FromSeconds(12));
        var accepted = await api.GetAsync(new Uri("/coordinates?latitude=54.2&longitude=-2.2", UriKind.Relative));
        var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
        await WaitForHistoryAsync(api, lookupId, entries => entries.Any(e => Kind(e) == "upstream" && Text(e, "error") == "timed out"));

        var stuck = (await Admin(api, HttpMethod.Get, "/admin/lookups/stuck?olderThan=00:00:01")).GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("lookupId").GetGuid() == lookupId);
        Assert.Contains("last police call timed out", Text(stuck, "cause"), StringComparison.Ordinal);
        Assert.Equal("redrive", Text(stuck.GetProperty("action"), "kind"));

        var cli = await RunCliAsync(system, "lookups", "stuck", "--older-than", "00:00:01");
        Assert.Equal(1, cli.ExitCode); // found a problem
        Assert.Contains($"eventdriven lookups redrive {lookupId}", cli.Output, StringComparison.Ordinal);

        await system.SetFaultsAsync("Both");
        Assert.Equal("FetchCrimes", Text(await Admin(api, HttpMethod.Post, $"/admin/lookups/{lookupId}/redrive"), "sent"));
        await Lookups.WaitForAsync(api, [lookupId], TimeSpan.FromSeconds(90), status => status == "Completed");
        var history = await RunCliAsync(system, "lookups", "history", lookupId.ToString());
        Assert.Equal(0, history.ExitCode);
        Assert.Contains("alice: redrive — sent FetchCrimes", history.Output, StringComparison.Ordinal);
        Assert.Contains("FetchingCrimes -> Completed on CrimesFetched", history.Output, StringComparison.Ordinal);

        // A group nobody will replay: purged only once the count is confirmed, and audited.
        await DeadLetterFetchCrimesAsync(3, offset: 500, reason: "data.police.uk answered 404 Not Found for crimes-street.");
        var group = (await Admin(api, HttpMethod.Get, "/admin/dead-letters/groups")).GetProperty("groups").EnumerateArray()
            .Single(g => Text(g, "statusClass") == "4xx");
        var groupId = Text(group, "id");
        var unconfirmed = await AdminResponse(api, HttpMethod.Post, $"/admin/dead-letters/groups/{groupId}/purge");
        Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
        Assert.Contains("confirm=3", await unconfirmed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, (await Admin(api, HttpMethod.Post, $"/admin/dead-letters/groups/{groupId}/purge?confirm=3")).GetProperty("purged").GetInt32());
        Assert.Equal(0, Depth(QueueNames.ErrorQueueOf(QueueNames.FetchCrimes)));

        var audit = await RunCliAsync(system, "audit", "list", "--json");
        Assert.Equal(0, audit.ExitCode);
        var records = JsonDocument.Parse(audit.Output).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(records, r => (Text(r, "who"), Text(r, "action"), r.GetProperty("count").GetInt32()) == ("alice", "purge", 3));
        Assert.Contains(records, r => (Text(r, "who"), Text(r, "action")) == ("alice", "redrive"));
    }

    /// <summary>The operator CLI as a process (its build output), configured like the services it looks after.</summary>
    private async Task<(int ExitCode, string Output)> RunCliAsync(DistributedSystem system, params string[] args)
    {
        var dll = Path.Combine(RepositoryRoot.Find(), "Cli", "bin", AppProcess.BuildConfiguration, "net10.0", "EventDriven.Cli.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in system.Environment())
        {
            start.Environment[key] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private sealed record Dead(string MessageId, string FaultStamp);

    /// <summary>FetchCrimes dead letters as MassTransit leaves them: its JSON envelope and fault headers, each with its own fault time.</summary>
    private async Task<List<Dead>> DeadLetterFetchCrimesAsync(int count, int offset, string reason = "data.police.uk answered 503 Service Unavailable for crimes-street-dates.")
    {
        var dead = new List<Dead>();
        await using var connection = await rabbit.Node.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.QueueDeclareAsync(QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), durable: true, exclusive: false, autoDelete: false);
        for (var i = 0; i < count; i++)
        {
            var messageId = Guid.NewGuid().ToString();
            var correlation = Guid.NewGuid();
            // Quiet countryside: one police call answers each (no split into sectors).
            var latitude = (53.0 + ((offset + i) * 0.01)).ToString("0.0000", CultureInfo.InvariantCulture);
            var body = Encoding.UTF8.GetBytes(
                $$$"""{"messageId":"{{{messageId}}}","correlationId":"{{{correlation}}}","messageType":["urn:message:EventDriven.Contracts.Messages:FetchCrimes"],"message":{"correlationId":"{{{correlation}}}","lookupKey":"coordinates:{{{latitude}}},-2.5","latitude":{{{latitude}}},"longitude":-2.5,"postcode":null}}""");
            var stamp = DateTimeOffset.UtcNow.AddSeconds(-count + i).ToString("O", CultureInfo.InvariantCulture);
            var properties = new BasicProperties
            {
                MessageId = messageId,
                CorrelationId = correlation.ToString(),
                ContentType = "application/vnd.masstransit+json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Reason"] = "fault",
                    ["MT-Fault-Message"] = reason,
                    ["MT-Fault-ExceptionType"] = "EventDriven.Workers.Upstreams.UpstreamException",
                    ["MT-Fault-Timestamp"] = stamp,
                },
            };
            await channel.BasicPublishAsync(string.Empty, QueueNames.ErrorQueueOf(QueueNames.FetchCrimes), true, properties, body);
            dead.Add(new Dead(messageId, stamp));
        }

        return dead;
    }

    private int Depth(string queue) => (int)rabbit.Node.QueueDepthAsync(queue).GetAwaiter().GetResult().Messages;

    private static int Done(JsonElement job) => job.GetProperty("replayed").GetInt32() + job.GetProperty("skipped").GetInt32();

    private static string Kind(JsonElement entry) => entry.GetProperty("kind").GetString()!;

    private static string? Text(JsonElement element, string property) => element.GetProperty(property).GetString();

    private static async Task<HttpResponseMessage> AdminResponse(HttpClient api, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-Api-Key", AliceKey);
        return await api.SendAsync(request);
    }

    private static async Task<JsonElement> Admin(HttpClient api, HttpMethod method, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await AdminResponse(api, method, path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> WaitForHistoryAsync(HttpClient api, Guid lookupId, Func<List<JsonElement>, bool> until)
    {
        var entries = new List<JsonElement>();
        await Eventually.UntilAsync(async () =>
        {
            // A 202 comes before the saga has saved the lookup: until then its history is a 404.
            using var response = await AdminResponse(api, HttpMethod.Get, $"/admin/lookups/{lookupId}/history");
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return false;
            }

            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            Assert.True(response.IsSuccessStatusCode, $"history of {lookupId}: {(int)response.StatusCode} {body}");
            entries = body.GetProperty("entries").EnumerateArray().ToList();
            return until(entries);
        }, TimeSpan.FromSeconds(60), () => $"history of {lookupId}: {string.Join(" | ", entries.Select(e => e.ToString()))}");
        return entries;
    }

    private static async Task<JsonElement> WaitForReplayAsync(HttpClient api, string replayId, Func<JsonElement, bool> until, TimeSpan timeout)
    {
        var job = default(JsonElement);
        await Eventually.UntilAsync(async () => until(job = await Admin(api, HttpMethod.Get, $"/admin/dead-letters/replays/{replayId}")), timeout, () => $"replay {replayId}: {job}");
        return job;
    }

    /// <summary>Probe lookups until one completes: the workers' circuit breaker (open during the outage) lets police calls through again.</summary>
    private static async Task WaitUntilCrimesWorkAgainAsync(HttpClient api)
    {
        for (var i = 0; i < 10; i++)
        {
            var accepted = await api.GetAsync(new Uri($"/coordinates?latitude={54.0 + (i * 0.01):0.00}&longitude=-2.0", UriKind.Relative));
            var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
            var outcome = await Lookups.WaitForAsync(api, [id], TimeSpan.FromSeconds(30));
            if (outcome[id].GetProperty("status").GetString() == "Completed")
            {
                return;
            }
        }

        Assert.Fail("police calls did not recover after the outage ended");
    }
}
