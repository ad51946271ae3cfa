using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using EventDriven.Workers.Upstreams;
using MassTransit;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// <see cref="FetchCrimes"/> replayed from the dead letters, consumed from the replay lane
/// (<see cref="QueueNames.FetchCrimesReplay"/>) as a live one is, except that its police requests are marked
/// <see cref="PoliceBudgetLane.Replay"/>. Two things keep live lookups first: the lane has its own consumer slots (live
/// messages never wait behind a backlog of replays), only <see cref="ReplayedFetchCrimesConsumerDefinition.Concurrency"/>
/// of them per worker; and at the police budget a replayed request takes a token only while the bucket keeps
/// <see cref="PoliceApiRateLimiter.LiveReserve"/> for live ones, so a live request finds a token at once while live
/// traffic stays below the rate. The replay takes the rest of the budget, never more, and all of it when no live
/// lookups arrive.
/// </summary>
public sealed class ReplayedFetchCrimesConsumer(FetchCrimesConsumer live) : IConsumer<FetchCrimes>
{
    public Task Consume(ConsumeContext<FetchCrimes> context) => live.ConsumeAsync(context, PoliceBudgetLane.Replay);
}

public sealed class ReplayedFetchCrimesConsumerDefinition() : UpstreamConsumerDefinition<ReplayedFetchCrimesConsumer>(QueueNames.FetchCrimesReplay, Concurrency)
{
    /// <summary>Replayed commands in flight per worker process (the live lane has 16).</summary>
    public const int Concurrency = 2;
}
