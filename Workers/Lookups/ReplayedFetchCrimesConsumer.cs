using EventDriven.Contracts;
using EventDriven.Contracts.Messages;
using MassTransit;

namespace EventDriven.Workers.Lookups;

/// <summary>
/// <see cref="FetchCrimes"/> replayed from the dead letters, consumed from the replay lane
/// (<see cref="QueueNames.FetchCrimesReplay"/>) exactly as a live one is. The lane is what keeps live lookups first: it
/// has its own consumer slots (live messages never wait behind a backlog of replays) and only
/// <see cref="ReplayedFetchCrimesConsumerDefinition.Concurrency"/> of them per worker, so at the police budget a live
/// request waits behind at most that many replayed ones. The replay takes the rest of the budget, never more.
/// </summary>
public sealed class ReplayedFetchCrimesConsumer(FetchCrimesConsumer live) : IConsumer<FetchCrimes>
{
    public Task Consume(ConsumeContext<FetchCrimes> context) => live.Consume(context);
}

public sealed class ReplayedFetchCrimesConsumerDefinition() : UpstreamConsumerDefinition<ReplayedFetchCrimesConsumer>(QueueNames.FetchCrimesReplay, Concurrency)
{
    /// <summary>Replayed commands in flight per worker process (the live lane has 16).</summary>
    public const int Concurrency = 2;
}
