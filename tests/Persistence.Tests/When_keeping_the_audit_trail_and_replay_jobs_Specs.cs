using EventDriven.Persistence.DynamoDb;
using EventDriven.Persistence.InMemory;
using EventDriven.Persistence.Operations;
using EventDriven.TestSupport;

namespace EventDriven.Persistence.Tests;

/// <summary>The operators' shared state on DynamoDB Local, and the same contract in memory.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class When_keeping_the_audit_trail_and_replay_jobs_Specs(DynamoDbLocalFixture dynamo)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Stores => new("dynamodb", "memory");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_page_the_audit_trail_newest_first(string store)
    {
        using var tables = await Tables.CreateAsync(dynamo);
        IAuditTrail audit = store == "dynamodb" ? new DynamoDbAuditTrail(tables.Client, tables.Names) : new InMemoryAuditTrail();
        for (var i = 0; i < 5; i++)
        {
            await audit.RecordAsync(new AuditRecord(AuditRecord.NewId(T0.AddMinutes(i)), T0.AddMinutes(i), $"op{i}", AuditActions.Purge, "group x", i, "purged"));
        }

        var first = await audit.ListAsync(3);
        var second = await audit.ListAsync(3, first.NextPageToken);

        Assert.Equal(["op4", "op3", "op2"], first.Items.Select(r => r.Who));
        Assert.Equal(["op1", "op0"], second.Items.Select(r => r.Who));
        Assert.Null(second.NextPageToken);
        await Assert.ThrowsAsync<ArgumentException>(() => audit.ListAsync(3, "not-a-token!"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Should_write_a_job_only_at_the_version_it_was_read_and_remember_what_was_replayed(string store)
    {
        using var tables = await Tables.CreateAsync(dynamo);
        IReplayJobStore jobs = store == "dynamodb" ? new DynamoDbReplayJobStore(tables.Client, tables.Names) : new InMemoryReplayJobStore();
        var job = new ReplayJob
        {
            Id = ReplayJob.NewId(T0), Status = ReplayJobStatus.Running, Queue = "fetch-crimes", Rate = 5, Total = 10,
            StartedBy = "alice", CreatedAt = T0, UpdatedAt = T0, CanaryLookups = [Guid.NewGuid()],
        };
        await jobs.CreateAsync(job);
        await Assert.ThrowsAsync<InvalidOperationException>(() => jobs.CreateAsync(job));

        var read = (await jobs.GetAsync(job.Id))!;
        var driver = await jobs.TryUpdateAsync(read with { Replayed = 3, Owner = "a" });
        var operatorWrite = await jobs.TryUpdateAsync(read with { Status = ReplayJobStatus.Paused }); // read before the driver wrote: refused

        Assert.NotNull(driver);
        Assert.Null(operatorWrite);
        var stored = (await jobs.GetAsync(job.Id))!;
        Assert.Equal((3, "a", ReplayJobStatus.Running, 2), (stored.Replayed, stored.Owner, stored.Status, stored.Version));
        Assert.Equal(job.CanaryLookups, stored.CanaryLookups);
        Assert.Equal(job.Id, Assert.Single(await jobs.ListAsync(10)).Id);

        Assert.False(await jobs.WasReplayedAsync("m1", "2026-11-23T10:00:00Z"));
        await jobs.MarkReplayedAsync("m1", "2026-11-23T10:00:00Z", job.Id);
        Assert.True(await jobs.WasReplayedAsync("m1", "2026-11-23T10:00:00Z"));
        Assert.False(await jobs.WasReplayedAsync("m1", "2026-11-23T11:00:00Z")); // the same message dead-lettered again is a new dead letter
    }
}
