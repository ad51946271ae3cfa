using System.Text;
using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Hosting.DeadLetters;
using EventDriven.TestSupport;
using RabbitMQ.Client;

namespace EventDriven.Distributed.Tests;

[Collection(DistributedCollection.Name)]
public sealed class When_a_poison_message_arrives_Specs(DynamoDbLocalFixture dynamo, RabbitMqNodeFixture rabbit)
    : IClassFixture<RabbitMqNodeFixture>
{
    [Fact]
    public async Task Should_move_unreadable_and_unknown_messages_aside_and_keep_consuming()
    {
        await using var system = await DistributedSystem.StartAsync(rabbit.Node, dynamo);
        await system.StartConsumersAsync();
        var api = (await system.StartProducersAsync()).Http;

        await using (var connection = await rabbit.Node.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
        {
            var envelope = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = "poison-unparseable" };
            await channel.BasicPublishAsync(string.Empty, QueueNames.CrimeLookupSaga, true, envelope, Encoding.UTF8.GetBytes("{\"messageType\": [oops"));
            var unknown = new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true, MessageId = "poison-unknown-type" };
            var body = """{"messageId":"8a1c0000-0000-0000-0000-000000000001","messageType":["urn:message:Nobody.Knows:ThisMessage"],"message":{"x":1}}""";
            await channel.BasicPublishAsync(string.Empty, QueueNames.GeocodePostcode, true, unknown, Encoding.UTF8.GetBytes(body));
        }

        // The consumers keep going: a real lookup still completes.
        var lookup = await Lookups.AcceptAsync(api, "LS1 4AP");
        var done = await Lookups.WaitForAsync(api, [lookup], TimeSpan.FromSeconds(60));
        Assert.Equal("Completed", done[lookup].GetProperty("status").GetString());

        // Unreadable body: a fault, so it waits in the error queue for an operator (listed, not lost).
        var deadLetters = new RabbitMqDeadLetterService(new RabbitMqOptions { Host = rabbit.Node.Host, Port = (ushort)rabbit.Node.Port });
        var listing = await deadLetters.ListAsync(QueueNames.CrimeLookupSaga);
        var poison = Assert.Single(listing.Entries);
        Assert.Equal("poison-unparseable", poison.MessageId);
        Assert.StartsWith("(unreadable body", poison.MessageType, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(poison.FaultReason));

        // A readable message of a type no consumer handles: MassTransit moves it to the endpoint's _skipped queue.
        Assert.Equal(1u, (await rabbit.Node.QueueDepthAsync(QueueNames.GeocodePostcode + "_skipped")).Messages);
        Assert.Equal(0u, (await rabbit.Node.QueueDepthAsync(QueueNames.CrimeLookupSaga)).Messages);
        Assert.Equal(0u, (await rabbit.Node.QueueDepthAsync(QueueNames.GeocodePostcode)).Messages);
    }
}
