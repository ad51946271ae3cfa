using System.Diagnostics;
using System.Text;
using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Hosting.DeadLetters;
using EventDriven.TestSupport;
using RabbitMQ.Client;

namespace EventDriven.Distributed.Tests;

/// <summary>
/// The dead-letter service against a real broker, with dead letters shaped like MassTransit's (envelope body, fault
/// headers). No application process is needed: the service talks to RabbitMQ directly.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed class When_operators_list_and_replay_dead_letters_Specs(RabbitMqNodeFixture rabbit) : IClassFixture<RabbitMqNodeFixture>, IAsyncLifetime
{
    private const string Queue = QueueNames.GeocodePostcode;
    private static readonly string ErrorQueue = QueueNames.ErrorQueueOf(Queue);

    private IDeadLetterService Service => new RabbitMqDeadLetterService(new RabbitMqOptions { Host = rabbit.Node.Host, Port = (ushort)rabbit.Node.Port });

    public Task InitializeAsync() => rabbit.Node.PurgeAsync([Queue, ErrorQueue]);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_list_counts_and_details_without_taking_or_reordering_anything()
    {
        var dead = await DeadLetterAsync(3);
        await PutRawAsync(ErrorQueue, Encoding.UTF8.GetBytes("{not json"), "poison-1");

        var first = await Service.ListAsync(Queue);
        var second = await Service.ListAsync();

        Assert.Equal(4, Assert.Single(first.Queues).Count);
        Assert.Equal(4, second.Queues.Single(q => q.Queue == Queue).Count);
        Assert.Equal(QueueNames.All.Count, second.Queues.Count);
        Assert.Equal([.. dead.Select(d => d.MessageId), "poison-1"], first.Entries.Select(e => e.MessageId));
        Assert.Equal(first.Entries, second.Entries);
        var entry = first.Entries[0];
        Assert.Equal("GeocodePostcode", entry.MessageType);
        Assert.Equal(dead[0].CorrelationId, entry.CorrelationId);
        Assert.Equal("Upstream postcodes.io unavailable (0)", entry.FaultReason);
        Assert.Equal("EventDriven.Workers.Upstreams.UpstreamException", entry.FaultExceptionType);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero), entry.FaultedAt);
        Assert.StartsWith("(unreadable body", first.Entries[3].MessageType, StringComparison.Ordinal);
        Assert.Equal(4u, (await rabbit.Node.QueueDepthAsync(ErrorQueue)).Messages);
    }

    [Fact]
    public async Task Should_replay_one_message_by_id_keeping_its_ids_and_dropping_the_fault_headers()
    {
        var dead = await DeadLetterAsync(3);

        var result = await Service.ReplayAsync(new DeadLetterReplayRequest(Queue, dead[1].MessageId));

        Assert.Equal([dead[1].MessageId], Assert.Single(result.Queues).MessageIds);
        var moved = await TakeAsync(Queue);
        Assert.Equal(dead[1].MessageId, moved.BasicProperties.MessageId);
        Assert.Equal(dead[1].CorrelationId.ToString(), moved.BasicProperties.CorrelationId);
        Assert.Equal(dead[1].Body, moved.Body.ToArray());
        var headers = moved.BasicProperties.Headers!;
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("MT-Fault-", StringComparison.Ordinal) || k == "MT-Reason");
        Assert.Equal("kept", Encoding.UTF8.GetString((byte[])headers["X-Custom"]!));
        var left = await Service.ListAsync(Queue);
        Assert.Equal([dead[0].MessageId, dead[2].MessageId], left.Entries.Select(e => e.MessageId));
    }

    [Fact]
    public async Task Should_only_count_in_a_dry_run()
    {
        var dead = await DeadLetterAsync(2);

        var result = await Service.ReplayAsync(new DeadLetterReplayRequest(Queue, DryRun: true));

        Assert.True(result.DryRun);
        Assert.Equal(2, result.Replayed);
        Assert.Equal(2u, (await rabbit.Node.QueueDepthAsync(ErrorQueue)).Messages);
        Assert.Equal(0u, (await rabbit.Node.QueueDepthAsync(Queue)).Messages);
        Assert.Equal(dead.Select(d => d.MessageId), (await Service.ListAsync(Queue)).Entries.Select(e => e.MessageId));
    }

    [Fact]
    public async Task Should_replay_everything_in_order_and_report_progress()
    {
        var dead = await DeadLetterAsync(50);
        var reports = new List<DeadLetterReplayProgress>();

        var result = await Service.ReplayAsync(new DeadLetterReplayRequest(), new SynchronousProgress(reports.Add));

        Assert.Equal(50, result.Replayed);
        Assert.Equal(0u, (await rabbit.Node.QueueDepthAsync(ErrorQueue)).Messages);
        Assert.Equal(50u, (await rabbit.Node.QueueDepthAsync(Queue)).Messages);
        var ours = reports.Where(r => r.Queue == Queue).ToList();
        Assert.Equal(Enumerable.Range(0, 51), ours.Select(r => r.Done));
        Assert.All(ours, r => Assert.Equal(50, r.Total));
        var order = new List<string?>();
        for (var i = 0; i < 50; i++)
        {
            order.Add((await TakeAsync(Queue)).BasicProperties.MessageId);
        }

        Assert.Equal(dead.Select(d => d.MessageId), order);
    }

    [Fact]
    public async Task Should_name_the_problem_for_an_unknown_queue_an_unreachable_broker_and_embedded_mode()
    {
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => Service.ListAsync("no-such-queue"));
        Assert.Contains("'no-such-queue' is not one of the lookup queues", unknown.Message, StringComparison.Ordinal);

        var port = FreePort.Next();
        var clock = Stopwatch.StartNew();
        var down = await Assert.ThrowsAsync<DeadLettersUnavailableException>(
            () => new RabbitMqDeadLetterService(new RabbitMqOptions { Host = "127.0.0.1", Port = (ushort)port }).ListAsync());
        Assert.Contains($"127.0.0.1:{port}", down.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");

        var embedded = await Assert.ThrowsAsync<DeadLettersUnavailableException>(
            () => new EmbeddedDeadLetterService().ReplayAsync(new DeadLetterReplayRequest()));
        Assert.Contains("only kept by RabbitMQ", embedded.Message, StringComparison.Ordinal);
    }

    private sealed record Dead(string MessageId, Guid CorrelationId, byte[] Body);

    /// <summary>Messages as MassTransit leaves them in an error queue: its JSON envelope plus fault headers.</summary>
    private async Task<List<Dead>> DeadLetterAsync(int count)
    {
        var dead = new List<Dead>();
        await using var connection = await rabbit.Node.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        for (var i = 0; i < count; i++)
        {
            var messageId = Guid.NewGuid().ToString();
            var correlation = Guid.NewGuid();
            var body = Encoding.UTF8.GetBytes(
                $$$"""{"messageId":"{{{messageId}}}","correlationId":"{{{correlation}}}","messageType":["urn:message:EventDriven.Contracts.Messages:GeocodePostcode"],"message":{"correlationId":"{{{correlation}}}","postcode":"B1 1AA"}}""");
            var properties = new BasicProperties
            {
                MessageId = messageId,
                CorrelationId = correlation.ToString(),
                ContentType = "application/vnd.masstransit+json",
                Persistent = true,
                Headers = new Dictionary<string, object?>
                {
                    ["MT-Reason"] = "fault",
                    ["MT-Fault-Message"] = $"Upstream postcodes.io unavailable ({i})",
                    ["MT-Fault-ExceptionType"] = "EventDriven.Workers.Upstreams.UpstreamException",
                    ["MT-Fault-Timestamp"] = "2026-11-23T20:00:00.0000000Z",
                    ["MT-Fault-InputAddress"] = $"rabbitmq://127.0.0.1/{Queue}",
                    ["X-Custom"] = "kept",
                },
            };
            await channel.BasicPublishAsync(string.Empty, ErrorQueue, true, properties, body);
            dead.Add(new Dead(messageId, correlation, body));
        }

        return dead;
    }

    private async Task PutRawAsync(string queue, byte[] body, string messageId)
    {
        await using var connection = await rabbit.Node.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await channel.BasicPublishAsync(string.Empty, queue, true, new BasicProperties { MessageId = messageId, Persistent = true }, body);
    }

    private async Task<BasicGetResult> TakeAsync(string queue)
    {
        await using var connection = await rabbit.Node.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var message = await channel.BasicGetAsync(queue, autoAck: true);
        return message ?? throw new Xunit.Sdk.XunitException($"{queue} is empty");
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this records reports in the order they are made.</summary>
    private sealed class SynchronousProgress(Action<DeadLetterReplayProgress> report) : IProgress<DeadLetterReplayProgress>
    {
        public void Report(DeadLetterReplayProgress value) => report(value);
    }
}
