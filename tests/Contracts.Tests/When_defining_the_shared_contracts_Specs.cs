using System.Reflection;
using EventDriven.Contracts.Messages;

namespace EventDriven.Contracts.Tests;

public sealed class When_defining_the_shared_contracts_Specs
{
    private static readonly Type[] Messages = typeof(PostcodeRequested).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(PostcodeRequested).Namespace && t.IsPublic)
        .ToArray();

    [Fact]
    public void Should_include_every_message_the_design_names()
    {
        string[] named =
        [
            nameof(PostcodeRequested), nameof(CoordinatesRequested), nameof(GeocodePostcode), nameof(PostcodeGeocoded),
            nameof(PostcodeNotFound), nameof(FetchCrimes), nameof(CrimesFetched), nameof(LookupFailed), nameof(UnsupportedPostcodeRequested),
        ];

        Assert.Subset(Messages.Select(t => t.Name).ToHashSet(), named.ToHashSet());
    }

    [Fact]
    public void Should_carry_the_lookups_CorrelationId_in_every_message()
    {
        Assert.All(Messages, type =>
        {
            var property = type.GetProperty("CorrelationId", BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property?.PropertyType == typeof(Guid), $"{type.Name} has no Guid CorrelationId");
        });
    }

    [Fact]
    public void Should_make_every_message_an_immutable_sealed_record()
    {
        Assert.All(Messages, type =>
        {
            Assert.True(type.IsSealed, $"{type.Name} is not sealed");
            // Records have a compiler-generated EqualityContract; value equality makes duplicate detection and tests simple.
            Assert.NotNull(type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance));
            Assert.All(type.GetProperties(), p => Assert.True(
                p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"),
                $"{type.Name}.{p.Name} can be changed after construction"));
        });
    }

    [Fact]
    public void Should_treat_exactly_the_five_end_states_as_terminal()
    {
        Assert.Equal(7, LookupStatus.All.Distinct().Count());
        Assert.Equal(
            [LookupStatus.Completed, LookupStatus.Failed, LookupStatus.NoLocation, LookupStatus.NotFound, LookupStatus.Unsupported],
            LookupStatus.All.Where(LookupStatus.IsTerminal).Order());
        Assert.False(LookupStatus.IsTerminal(LookupStatus.Geocoding));
        Assert.False(LookupStatus.IsTerminal(LookupStatus.FetchingCrimes));
        Assert.False(LookupStatus.IsTerminal("completed"));
    }

    [Fact]
    public void Should_name_queues_once_and_their_dead_letter_queues_by_suffix()
    {
        Assert.Equal(QueueNames.All.Count, QueueNames.All.Distinct().Count());
        Assert.Contains(QueueNames.GeocodePostcode, QueueNames.All);
        Assert.Contains(QueueNames.FetchCrimes, QueueNames.All);
        Assert.Contains(QueueNames.CrimeLookupSaga, QueueNames.All);
        Assert.Equal("geocode-postcode_error", QueueNames.ErrorQueueOf(QueueNames.GeocodePostcode));
        // Queue names appear in URIs, CloudFormation and RabbitMQ: lower-case letters and hyphens only.
        Assert.All(QueueNames.All, name => Assert.Matches("^[a-z]+(-[a-z]+)*$", name));
    }
}
