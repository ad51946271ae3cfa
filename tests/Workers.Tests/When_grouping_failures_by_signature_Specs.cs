using EventDriven.Hosting.DeadLetters;
using EventDriven.Simulator;

namespace EventDriven.Workers.Tests;

/// <summary>
/// The failure classes of dead letters, read from the exceptions the real upstream clients throw after their
/// resilience pipelines give up (what MassTransit then writes into the dead letter's fault headers).
/// </summary>
public sealed class When_grouping_failures_by_signature_Specs : IDisposable
{
    private readonly UpstreamTestHost _host = new(new Dictionary<string, string?> { ["Upstreams:MaxRetryAttempts"] = "1" });

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData(429, FailureClasses.TooManyRequests)]
    [InlineData(500, FailureClasses.ServerError)]
    [InlineData(502, FailureClasses.ServerError)]
    [InlineData(404, FailureClasses.ClientError)]
    public async Task Should_class_an_upstream_status_the_client_gave_up_on(int status, string expected)
    {
        _host.Simulator.Faults.FailNext(10, status);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => _host.Police.GetMonthsAsync(CancellationToken.None));

        Assert.Equal(expected, ClassOf(failure));
    }

    [Fact]
    public async Task Should_class_an_unreachable_upstream_as_a_connection_failure()
    {
        _host.Simulator.Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => _host.Police.GetMonthsAsync(CancellationToken.None));

        Assert.Equal(FailureClasses.ConnectionFailed, ClassOf(failure));
    }

    [Theory]
    [InlineData("FetchCrimes", "System.Net.Http.HttpRequestException", "Connection refused (127.0.0.1:5080)", FailureClasses.ConnectionRefused)]
    [InlineData("FetchCrimes", "EventDriven.Workers.Upstreams.UpstreamException", "police-api: circuit open after: Connection refused (127.0.0.1:5080)", FailureClasses.ConnectionRefused)]
    [InlineData("FetchCrimes", "Polly.Timeout.TimeoutRejectedException", "The operation didn't complete within the allowed timeout of '00:00:10'.", FailureClasses.Timeout)]
    [InlineData("FetchCrimes", "EventDriven.Workers.Upstreams.UpstreamException", "police-api: circuit open after: no answer within 10 s", FailureClasses.Timeout)]
    [InlineData("FetchCrimes", "System.Net.Sockets.SocketException", "Operation canceled", FailureClasses.Timeout)]
    [InlineData("FetchCrimes", "System.Net.Http.HttpRequestException", "The operation was canceled.", FailureClasses.Timeout)]
    [InlineData("FetchCrimes", "EventDriven.Workers.Upstreams.UpstreamException", "data.police.uk answered crimes-street with a body that is not its JSON shape.", FailureClasses.UnreadableBody)]
    [InlineData("(unreadable body, 9 bytes)", null, null, FailureClasses.UnreadableBody)]
    [InlineData("FetchCrimes", "System.InvalidOperationException", "data.police.uk holds more than 10,000 crimes in parts of this area", FailureClasses.TooManyCrimes)]
    [InlineData("FetchCrimes", "System.InvalidOperationException", "Something else", FailureClasses.Other)]
    public void Should_class_what_the_fault_headers_say(string messageType, string? exceptionType, string? reason, string expected) =>
        Assert.Equal(expected, FailureClasses.Of(messageType, exceptionType, reason));

    [Fact]
    public void Should_give_one_outage_one_group_whatever_the_message_ids()
    {
        DeadLetterEntry Dead(string id) => new("fetch-crimes", id, "FetchCrimes", Guid.NewGuid(), "data.police.uk answered 503 Service Unavailable for crimes-street-dates.",
            "EventDriven.Workers.Upstreams.UpstreamException", DateTimeOffset.UtcNow);

        var signatures = new[] { Dead("a"), Dead("b") }.Select(FailureSignature.Of).Distinct().ToList();

        var signature = Assert.Single(signatures);
        Assert.Equal(new FailureSignature("FetchCrimes", "UpstreamException", FailureClasses.ServerError), signature);
        Assert.Matches("^[0-9a-f]{8}$", signature.Id);
    }

    private static string ClassOf(Exception failure) =>
        FailureClasses.Of("FetchCrimes", failure.GetType().FullName, failure.Message);
}
