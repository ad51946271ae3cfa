using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Producers.Admin;
using EventDriven.Sagas;
using EventDriven.Simulator;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Tests;

/// <summary>History, stuck lookups, re-drive, the state machine, the audit trail and named keys, in embedded mode (everything in memory).</summary>
public sealed class When_operators_trace_and_repair_lookups_Specs(When_operators_trace_and_repair_lookups_Specs.OperationsFactory factory)
    : IClassFixture<When_operators_trace_and_repair_lookups_Specs.OperationsFactory>
{
    private const string UnnamedKey = "unnamed-admin-key-0123456789abcdef0123";
    private const string AliceKey = "alice-admin-key-0123456789abcdef012345";
    private readonly HttpClient _client = factory.CreateClient();

    public sealed class OperationsFactory : EmbeddedApiFactory
    {
        public OperationsFactory()
        {
            WithSetting("Admin:ApiKey", UnnamedKey);
            WithSetting("Admin:Keys:alice", AliceKey);
        }
    }

    [Fact]
    public async Task Should_show_each_transition_and_each_upstream_attempt_of_a_lookup_oldest_first()
    {
        factory.Simulator.Faults.FailNext(2, 500); // the first two police attempts fail, the retry gets through
        var lookupId = await CompleteAsync("/coordinates?latitude=52.6297&longitude=-1.1316");

        var history = await GetJson($"/admin/lookups/{lookupId}/history", AliceKey);

        Assert.Equal(lookupId, history.GetProperty("lookupId").GetGuid());
        var entries = history.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(entries.Select(e => e.GetProperty("at").GetDateTimeOffset()).Order(), entries.Select(e => e.GetProperty("at").GetDateTimeOffset()));
        var transitions = entries.Where(e => e.GetProperty("kind").GetString() == "transition").ToList();
        Assert.Equal(
            [("Initial", "FetchingCrimes", "CoordinatesRequested"), ("FetchingCrimes", "Completed", "CrimesFetched")],
            transitions.Select(t => (t.GetProperty("from").GetString(), t.GetProperty("to").GetString(), t.GetProperty("messageType").GetString())));
        var completed = transitions[1].GetProperty("changes").EnumerateArray().ToList();
        Assert.Contains(completed, c => c.GetProperty("field").GetString() == "totalCrimes" && c.GetProperty("before").ValueKind == JsonValueKind.Null);
        Assert.All(transitions, t => Assert.NotEqual(JsonValueKind.Null, t.GetProperty("messageId").ValueKind));

        var police = entries.Where(e => e.GetProperty("kind").GetString() == "upstream").ToList();
        Assert.Equal([500, 500, 200], police.Take(3).Select(e => e.GetProperty("status").GetInt32()));
        Assert.Equal([1, 2, 3], police.Take(3).Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.All(police, e =>
        {
            Assert.StartsWith("http", e.GetProperty("url").GetString(), StringComparison.Ordinal);
            Assert.True(e.GetProperty("durationMs").GetDouble() >= 0);
            Assert.True(e.GetProperty("budgetWaitMs").GetDouble() >= 0);
            Assert.Equal("police-api", e.GetProperty("upstream").GetString());
        });
        Assert.Contains(police, e => e.GetProperty("url").GetString()!.Contains("/crimes-street/all-crime?lat=52.6297", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_explain_a_stuck_lookup_re_drive_it_as_the_named_operator_and_audit_it()
    {
        factory.Simulator.Faults.Current = new FaultSettings(TimeSpan.FromSeconds(4), 0, false, FaultTarget.PoliceApi);
        try
        {
            var accepted = await _client.GetAsync("/coordinates?latitude=53.4084&longitude=-2.9916");
            var lookupId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("lookupId").GetGuid();
            await WaitForStatusAsync(lookupId, "FetchingCrimes");

            // The in-memory store lists an instance by state a moment after it can be read by id: wait for it to be listed.
            JsonElement stuck, item = default;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            do
            {
                stuck = await GetJson("/admin/lookups/stuck?olderThan=00:00:00", AliceKey);
                item = stuck.GetProperty("items").EnumerateArray().FirstOrDefault(i => i.GetProperty("lookupId").GetGuid() == lookupId);
                Assert.True(DateTime.UtcNow < deadline, $"{lookupId} was never listed as stuck: {stuck}");
            }
            while (item.ValueKind != JsonValueKind.Object);

            Assert.StartsWith("waiting for CrimesFetched since", item.GetProperty("cause").GetString(), StringComparison.Ordinal);
            Assert.Equal("redrive", item.GetProperty("action").GetProperty("kind").GetString());
            Assert.Equal($"/admin/lookups/{lookupId}/redrive", item.GetProperty("action").GetProperty("href").GetString());
            Assert.Contains("dead letters", stuck.GetProperty("deadLettersNote").GetString(), StringComparison.OrdinalIgnoreCase);

            var redrive = await Send(HttpMethod.Post, $"/admin/lookups/{lookupId}/redrive", AliceKey);
            Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
            Assert.Equal("FetchCrimes", (await redrive.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sent").GetString());

            var history = (await GetJson($"/admin/lookups/{lookupId}/history", UnnamedKey)).GetProperty("entries").EnumerateArray();
            var action = Assert.Single(history, e => e.GetProperty("kind").GetString() == "operator");
            Assert.Equal("alice", action.GetProperty("who").GetString());
            Assert.Equal("redrive", action.GetProperty("action").GetString());

            var audit = (await GetJson("/admin/audit?limit=10", UnnamedKey)).GetProperty("items").EnumerateArray().ToList();
            var record = audit.First(a => a.GetProperty("what").GetString()!.Contains(lookupId.ToString(), StringComparison.Ordinal));
            Assert.Equal(("alice", "redrive", 1), (record.GetProperty("who").GetString(), record.GetProperty("action").GetString(), record.GetProperty("count").GetInt32()));
            Assert.StartsWith("sent FetchCrimes", record.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            factory.Simulator.Faults.Reset();
        }
    }

    [Fact]
    public async Task Should_re_drive_a_failed_lookup_as_a_new_attempt()
    {
        // Bristol's centre is too dense for the police API even split into 16 sectors: the lookup fails.
        var lookupId = await CompleteAsync("/coordinates?latitude=51.4545&longitude=-2.5879");

        var redrive = await Send(HttpMethod.Post, $"/admin/lookups/{lookupId}/redrive", UnnamedKey);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Equal(("Failed", "CoordinatesRequested"), await ReadAsync(redrive));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await GetJson($"/admin/lookups/{lookupId}", UnnamedKey)).GetProperty("attempts").GetInt32() < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the re-drive started no new attempt");
            await Task.Delay(25);
        }

        static async Task<(string?, string?)> ReadAsync(HttpResponseMessage response)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (body.GetProperty("state").GetString(), body.GetProperty("sent").GetString());
        }
    }

    [Fact]
    public async Task Should_refuse_to_re_drive_a_lookup_that_waits_for_nothing_and_audit_the_unnamed_key_by_its_setting()
    {
        var lookupId = await CompleteAsync("/coordinates?latitude=54.9783&longitude=-1.6178");

        var redrive = await Send(HttpMethod.Post, $"/admin/lookups/{lookupId}/redrive", UnnamedKey);

        Assert.True(redrive.StatusCode == HttpStatusCode.Conflict, await redrive.Content.ReadAsStringAsync());
        Assert.Contains("Completed", await redrive.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("(Admin__ApiKey)", AdminOperators.NameOf(new DefaultHttpContext { User = AdminOperators.Principal(AdminOperators.Find(
            factory.Services.GetRequiredService<IOptions<AdminOptions>>().Value, UnnamedKey)!) }));
    }

    [Fact]
    public async Task Should_count_lookups_per_state_and_draw_the_running_machine()
    {
        await CompleteAsync("/coordinates?latitude=52.4862&longitude=-1.8904");

        var picture = await GetJson("/admin/states", AliceKey);

        var states = picture.GetProperty("states").EnumerateArray().ToDictionary(s => s.GetProperty("state").GetString()!, s => s.GetProperty("count").GetInt64());
        Assert.Equal(Contracts.LookupStatus.All.Order(), states.Keys.Order());
        Assert.True(states["Completed"] >= 1);
        var machine = factory.Services.GetRequiredService<CrimeLookupStateMachine>();
        Assert.Equal(LookupStateDiagram.ToMermaid(LookupStateDiagram.TransitionsOf(machine)), picture.GetProperty("diagram").GetString());
    }

    [Theory]
    [InlineData("/admin/lookups/stuck?olderThan=five-minutes")]
    [InlineData("/admin/lookups/stuck?olderThan=-00:01:00")]
    [InlineData("/admin/lookups/stuck?limit=0")]
    [InlineData("/admin/lookups/not-a-guid/history")]
    [InlineData("/admin/audit?limit=abc")]
    [InlineData("/admin/audit?pageToken=nonsense")]
    public async Task Should_reject_bad_query_values_with_problem_json(string path)
    {
        var response = await Send(HttpMethod.Get, path, AliceKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Should_answer_404_for_the_history_of_an_unknown_lookup_and_503_for_failure_groups_in_embedded_mode()
    {
        var unknown = await Send(HttpMethod.Get, $"/admin/lookups/{Guid.NewGuid()}/history", AliceKey);
        var groups = await Send(HttpMethod.Get, "/admin/dead-letters/groups", AliceKey);
        var replay = await Send(HttpMethod.Post, "/admin/dead-letters/replays?queue=fetch-crimes&rate=2", AliceKey);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, groups.StatusCode);
        Assert.Contains("only kept by RabbitMQ", await groups.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, replay.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_wrong_key_even_with_named_keys_configured()
    {
        var response = await Send(HttpMethod.Get, "/admin/audit", AliceKey[..^1] + "X");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("bob", "short", "Admin__Keys__bob must be at least 32 characters")]
    [InlineData("bob smith", "a-key-that-is-long-enough-0123456789abc", "Admin__Keys__bob smith: an operator name")]
    [InlineData("bob", UnnamedKey, "Admin__Keys__bob holds the same key as Admin__ApiKey")]
    public void Should_refuse_named_keys_that_are_short_badly_named_or_shared(string name, string key, string expected)
    {
        var options = new AdminOptions { ApiKey = UnnamedKey, Keys = { [name] = key } };

        var result = new AdminOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    private async Task<Guid> CompleteAsync(string path)
    {
        var accepted = await _client.GetAsync(path);
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        await _client.UntilFinishedAsync($"/lookups/{body.GetProperty("lookupId").GetGuid()}");
        return body.GetProperty("lookupId").GetGuid();
    }

    private async Task WaitForStatusAsync(Guid lookupId, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await _client.GetFromJsonAsync<JsonElement>($"/lookups/{lookupId}")).GetProperty("status").GetString() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"lookup {lookupId} never reached {status}");
            await Task.Delay(25);
        }
    }

    private async Task<JsonElement> GetJson(string path, string key)
    {
        var response = await Send(HttpMethod.Get, path, key);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string key)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        return await _client.SendAsync(request);
    }
}
