using EventDriven.Contracts;
using Microsoft.Extensions.Options;

namespace EventDriven.Sagas.Tests;

public sealed class When_the_state_machine_is_built_Specs
{
    private readonly CrimeLookupStateMachine _machine = new(TimeProvider.System, Options.Create(new LookupOptions()));

    [Fact]
    public void Should_name_its_states_exactly_as_LookupStatus_does()
    {
        // LookupStatus is what the store keeps and the API reports: the machine may not drift from it.
        var states = _machine.States.Select(s => s.Name).Where(n => n is not "Initial" and not "Final");

        Assert.Equal(LookupStatus.All.Order(), states.Order());
    }

    [Fact]
    public void Should_handle_or_ignore_every_event_in_every_state()
    {
        // An event a state neither handles nor ignores throws, and the message ends in the error queue.
        var events = _machine.Events.Select(e => e.Name).Order().ToList();
        Assert.Equal(8, events.Count);

        Assert.All(LookupStatus.All, status =>
        {
            var state = _machine.GetState(status);
            Assert.Equal(events, _machine.NextEvents(state).Select(e => e.Name).Order());
        });
    }

    [Fact]
    public void Should_start_only_from_the_two_requests()
    {
        var starters = _machine.NextEvents(_machine.Initial).Select(e => e.Name).Order();

        Assert.Equal([nameof(_machine.CoordinatesRequested), nameof(_machine.PostcodeRequested)], starters);
    }

    [Fact]
    public void Should_address_its_commands_to_the_queues_named_in_QueueNames()
    {
        Assert.Equal(new Uri($"queue:{QueueNames.GeocodePostcode}"), CrimeLookupActivities.GeocodeQueue);
        Assert.Equal(new Uri($"queue:{QueueNames.FetchCrimes}"), CrimeLookupActivities.FetchCrimesQueue);
    }
}
