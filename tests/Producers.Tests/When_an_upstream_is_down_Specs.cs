using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.Contracts;
using EventDriven.Simulator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EventDriven.Producers.Tests;

public sealed class When_an_upstream_is_down_Specs
{
    [Fact]
    public async Task Should_fail_the_lookup_with_the_reason_and_complete_it_once_the_upstream_is_back()
    {
        await using var factory = new EmbeddedApiFactory();
        var client = factory.CreateClient();
        factory.Simulator.Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true, FaultTarget.PostcodesIo);

        var accepted = await client.GetAsync("/postcode/NE1%204ST");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var failed = await client.UntilFinishedAsync(accepted.Headers.Location!.OriginalString, TimeSpan.FromSeconds(60));
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Equal(LookupReasons.GeocoderUnavailable, failed.GetProperty("reasonCode").GetString());
        Assert.Equal(LookupReasons.MessageFor(LookupReasons.GeocoderUnavailable), failed.GetProperty("reason").GetString());

        factory.Simulator.Faults.Reset();
        var retried = await client.GetAsync("/postcode/NE1%204ST");
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var completed = await client.UntilFinishedAsync(retried.Headers.Location!.OriginalString);
        Assert.True(completed.GetProperty("status").GetString() == "Completed", completed.ToString());
        Assert.Equal(2, completed.GetProperty("attempts").GetInt32());
    }
}

/// <summary>
/// The upstreams unreachable for real (a closed port, the real HTTP stack): each failed attempt is one log line with
/// its cause, a lookup that fails for good is one more, and nothing logs a stack trace; a lookup failed by the open
/// circuit says what opened it.
/// </summary>
public sealed class When_the_upstreams_are_unreachable_Specs
{
    [Fact]
    public async Task Should_log_one_line_per_failed_attempt_and_keep_the_cause_behind_an_open_circuit()
    {
        var logs = new CapturedLogs();
        const string adminKey = "test-admin-key-7f3a-0123456789abcdef";
        await using var factory = new EmbeddedApiFactory()
            .WithSetting("Admin:ApiKey", adminKey)
            .WithSetting("Upstreams:Simulate", "false")
            .WithSetting("Upstreams:PostcodesIo:BaseUrl", "http://127.0.0.1:1/")
            .WithSetting("Upstreams:PoliceApi:BaseUrl", "http://127.0.0.1:1/api/");
        using var host = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var client = host.CreateClient();

        // Enough failed attempts (lookups x endpoint tries x HTTP tries) to open the circuit (20 within 30 s).
        var postcodes = new[] { "NE1 4ST", "M1 1AE", "B33 8TH", "LS1 4DY", "CF10 1EP" };
        var statusUrls = new List<string>();
        foreach (var postcode in postcodes)
        {
            statusUrls.Add((await client.GetAsync($"/postcode/{Uri.EscapeDataString(postcode)}")).Headers.Location!.OriginalString);
        }

        var reasons = new List<string>();
        foreach (var url in statusUrls)
        {
            var finished = await client.UntilFinishedAsync(url, TimeSpan.FromSeconds(90));
            Assert.Equal("Failed", finished.GetProperty("status").GetString());
            // The public answer: a documented code and a plain message, never the library's or the network's words.
            Assert.Equal(LookupReasons.GeocoderUnavailable, finished.GetProperty("reasonCode").GetString());
            Assert.Equal(LookupReasons.MessageFor(LookupReasons.GeocoderUnavailable), finished.GetProperty("reason").GetString());

            // The operators' view keeps the cause.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/lookups/" + finished.GetProperty("lookupId").GetGuid());
            request.Headers.Add("X-Api-Key", adminKey);
            var details = await (await client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(LookupReasons.GeocoderUnavailable, details.GetProperty("reasonCode").GetString());
            reasons.Add(details.GetProperty("reason").GetString()!);
        }

        Assert.All(reasons, reason => Assert.Contains("127.0.0.1:1", reason, StringComparison.Ordinal));
        Assert.Contains(reasons, reason => reason.Contains("circuit open after: Connection refused (127.0.0.1:1)", StringComparison.Ordinal));

        var entries = logs.Snapshot();
        Assert.DoesNotContain(entries, e => e.Exception is not null && e.Level >= LogLevel.Warning);
        var attempts = entries.Count(e => e.Message.Contains("attempt failed", StringComparison.Ordinal));
        Assert.InRange(attempts, 20, 60); // one line per attempt that reached the network; refused ones are not attempts
        Assert.Equal(postcodes.Length, entries.Count(e => e.Message.Contains("failed after its retries", StringComparison.Ordinal)));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly List<(LogLevel Level, string Category, string Message, Exception? Exception)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Category, string Message, Exception? Exception)> Snapshot()
        {
            lock (_entries)
            {
                return _entries.ToList();
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner._entries)
                {
                    owner._entries.Add((logLevel, category, formatter(state, exception), exception));
                }
            }
        }
    }
}
