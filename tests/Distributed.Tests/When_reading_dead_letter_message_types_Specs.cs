using System.Text;
using EventDriven.Contracts.Messages;
using EventDriven.Hosting.DeadLetters;
using MassTransit;

namespace EventDriven.Distributed.Tests;

/// <summary>The dead-letter listing names a message type as C# does, generic faults included (no broker needed).</summary>
public sealed class When_reading_dead_letter_message_types_Specs
{
    [Fact]
    public void Should_name_a_fault_by_its_message_type()
    {
        var entry = RabbitMqDeadLetterService.ReadEnvelope(Envelope(MessageUrn.ForTypeString<Fault<FetchCrimes>>()));

        Assert.Equal("Fault<FetchCrimes>", entry.MessageType);
    }

    [Fact]
    public void Should_name_plain_and_nested_generic_types_from_masstransit_urns()
    {
        Assert.Equal("FetchCrimes", MessageTypeNames.FromUrn(MessageUrn.ForTypeString<FetchCrimes>()));
        Assert.Equal("Fault<Fault<GeocodePostcode>>", MessageTypeNames.FromUrn(MessageUrn.ForTypeString<Fault<Fault<GeocodePostcode>>>()));
        Assert.Equal(
            "KeyValuePair<FetchCrimes, GeocodePostcode>",
            MessageTypeNames.FromUrn(MessageUrn.ForTypeString<KeyValuePair<FetchCrimes, GeocodePostcode>>()));
    }

    [Theory]
    [InlineData("urn:message:Broken:Fault[[Unclosed")]
    [InlineData("urn:message:")]
    [InlineData("urn:message:A:B]]")]
    public void Should_show_a_malformed_type_as_it_came(string urn)
    {
        Assert.Equal(urn, MessageTypeNames.FromUrn(urn));
    }

    private static byte[] Envelope(string urn) =>
        Encoding.UTF8.GetBytes($$$"""{"messageId":"8a1c0000-0000-0000-0000-000000000001","messageType":["{{{urn}}}"],"message":{}}""");
}
