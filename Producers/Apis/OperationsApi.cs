using System.Globalization;
using EventDriven.Contracts;
using EventDriven.Hosting.DeadLetters;
using EventDriven.Hosting.Operations;
using EventDriven.Persistence;
using EventDriven.Persistence.History;
using EventDriven.Persistence.Operations;
using EventDriven.Producers.Admin;
using EventDriven.Producers.Http;
using EventDriven.Sagas;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Apis;

/// <summary>
/// Operations beyond inspection, under <c>/admin</c> (so behind the admin key): every lookup's history, stuck lookups
/// explained, re-drive, the state machine with live counts, failure groups with replay and purge, paced replays with
/// pause/resume/cancel, and the audit trail. Who acted is the authenticated operator (<see cref="AdminOperators"/>).
/// </summary>
public static class OperationsApi
{
    public const int MaxStuckListed = StuckLookups.MaxListed;

    public static RouteGroupBuilder MapOperationsApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/lookups/{lookupId}/history", GetHistory).WithName("GetLookupHistory")
            .WithSummary("Every transition, upstream call, dead-lettering, replay and operator action of one lookup, oldest first");
        admin.MapGet("/lookups/stuck", GetStuck).WithName("ListStuckLookups")
            .WithSummary("Lookups in progress with no progress for olderThan (hh:mm:ss), stalest first, each with its cause and the action that fixes it");
        admin.MapPost("/lookups/{lookupId}/redrive", Redrive).WithName("RedriveLookup")
            .WithSummary("Send again the command a lookup waits for (a Failed one: a new attempt)");
        admin.MapGet("/states", GetStates).WithName("GetStateMachine")
            .WithSummary("Lookups per state now, and the state machine as a Mermaid stateDiagram-v2 generated from the running machine");
        admin.MapGet("/dead-letters/groups", GetGroups).WithName("ListFailureGroups")
            .WithSummary("Dead letters grouped by message type, exception type and upstream status class");
        admin.MapPost("/dead-letters/groups/{groupId}/replay", ReplayGroup).WithName("ReplayFailureGroup")
            .WithSummary("Start a paced replay of one failure group (rate per second, first N as a canary)");
        admin.MapPost("/dead-letters/groups/{groupId}/purge", PurgeGroup).WithName("PurgeFailureGroup")
            .WithSummary("Remove a failure group's dead letters for good; confirm=<the group's count> is required");
        admin.MapPost("/dead-letters/replays", StartReplay).WithName("StartReplay")
            .WithSummary("Start a paced replay (queue, messageId, group; rate per second; first N as a canary)");
        admin.MapGet("/dead-letters/replays", ListReplays).WithName("ListReplays");
        admin.MapGet("/dead-letters/replays/{replayId}", GetReplay).WithName("GetReplay");
        admin.MapPost("/dead-letters/replays/{replayId}/pause", (string replayId, ReplayRunner runner, HttpContext http, CancellationToken ct) =>
            Change(() => runner.PauseAsync(replayId, AdminOperators.NameOf(http), ct))).WithName("PauseReplay");
        admin.MapPost("/dead-letters/replays/{replayId}/resume", (string replayId, ReplayRunner runner, HttpContext http, CancellationToken ct) =>
            Change(() => runner.ResumeAsync(replayId, AdminOperators.NameOf(http), ct))).WithName("ResumeReplay");
        admin.MapPost("/dead-letters/replays/{replayId}/cancel", (string replayId, ReplayRunner runner, HttpContext http, CancellationToken ct) =>
            Change(() => runner.CancelAsync(replayId, AdminOperators.NameOf(http), ct))).WithName("CancelReplay");
        admin.MapGet("/audit", GetAudit).WithName("ListAudit").WithSummary("Operator actions, newest first: who, when, what, how many, outcome");
        return admin;
    }

    internal static async Task<Results<Ok<LookupHistory>, ProblemHttpResult>> GetHistory(
        string lookupId, ILookupStateReader states, ILookupHistory history, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(lookupId, out var id))
        {
            return Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID.");
        }

        var lookup = await states.GetAsync(id, cancellationToken);
        if (lookup is null || !lookup.IsStarted)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.");
        }

        var entries = (await history.ReadAsync(id, cancellationToken)).Where(e => LookupHistoryLimits.BelongsTo(e, lookup.CreatedAt)).ToList();
        return TypedResults.Ok(new LookupHistory(id, lookup.LookupKey, lookup.Status, entries));
    }

    internal static async Task<Results<Ok<StuckLookupReport>, ProblemHttpResult>> GetStuck(
        StuckLookups stuck, IOptions<LookupOptions> lookups, CancellationToken cancellationToken, string? olderThan = null, string? limit = null)
    {
        var age = lookups.Value.StuckAfter;
        if (olderThan is not null && !(TimeSpan.TryParse(olderThan, CultureInfo.InvariantCulture, out age) && age >= TimeSpan.Zero && age <= TimeSpan.FromDays(30)))
        {
            return Problems.BadRequest("Invalid olderThan", $"olderThan is a duration from 00:00:00 to 30.00:00:00, e.g. 00:05:00 (was '{olderThan}').");
        }

        if (!TryParseInt(limit, 50, 1, MaxStuckListed, out var count))
        {
            return Problems.BadRequest("Invalid limit", $"limit must be a whole number from 1 to {MaxStuckListed} (was '{limit}').");
        }

        return TypedResults.Ok(await stuck.FindAsync(age, count, cancellationToken));
    }

    internal static async Task<Results<Ok<RedriveResult>, ProblemHttpResult>> Redrive(
        string lookupId, ILookupStateReader states, LookupRedriver redriver, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(lookupId, out var id))
        {
            return Problems.BadRequest("Invalid lookup id", "A lookup id is a GUID.");
        }

        var lookup = await states.GetAsync(id, cancellationToken);
        if (lookup is null || !lookup.IsStarted)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Unknown lookup", $"No lookup has the id {id}.");
        }

        try
        {
            return TypedResults.Ok(await redriver.RedriveAsync(lookup, AdminOperators.NameOf(http), cancellationToken));
        }
        catch (RedriveConflictException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "Nothing to re-drive", e.Message, id);
        }
    }

    internal static async Task<Ok<StateMachinePicture>> GetStates(ILookupStateReader states, IServiceProvider services, CancellationToken cancellationToken)
    {
        var counts = new List<StateCount>();
        foreach (var state in LookupStatus.All)
        {
            counts.Add(new StateCount(state, await states.CountByStateAsync(state, cancellationToken)));
        }

        return TypedResults.Ok(new StateMachinePicture(counts, LookupStateMachineDiagram.Of(services)));
    }

    internal static async Task<Results<Ok<DeadLetterGroupListing>, ProblemHttpResult>> GetGroups(DeadLetterGroups groups, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await groups.ListAsync(cancellationToken));
        }
        catch (DeadLettersUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    internal static Task<Results<Accepted<ReplayJob>, ProblemHttpResult>> ReplayGroup(
        string groupId, ReplayRunner runner, HttpContext http, CancellationToken cancellationToken, string? rate = null, string? first = null) =>
        Start(runner, http, new ReplaySelection(Group: groupId), rate, first, cancellationToken);

    internal static Task<Results<Accepted<ReplayJob>, ProblemHttpResult>> StartReplay(
        ReplayRunner runner, HttpContext http, CancellationToken cancellationToken,
        string? queue = null, string? messageId = null, string? group = null, string? rate = null, string? first = null) =>
        Start(runner, http, new ReplaySelection(queue, messageId, group), rate, first, cancellationToken);

    internal static async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> PurgeGroup(
        string groupId, DeadLetterGroups groups, DeadLetterPurger purger, HttpContext http, CancellationToken cancellationToken, string? confirm = null)
    {
        try
        {
            var group = await groups.FindAsync(groupId, cancellationToken);
            if (group is null)
            {
                return Problems.Of(StatusCodes.Status404NotFound, "Unknown failure group", $"No failure group has the id '{groupId}' now (GET /admin/dead-letters/groups lists them).");
            }

            if (!int.TryParse(confirm, NumberStyles.None, CultureInfo.InvariantCulture, out var confirmed) || confirmed != group.Count)
            {
                return Problems.Of(StatusCodes.Status409Conflict, "Confirm the purge",
                    $"Purging removes {group.Count} dead letter(s) of group {group.Id} ({group.MessageType} / {group.ExceptionType} / {group.StatusClass}) for good. " +
                    $"Repeat with confirm={group.Count}{(confirm is null ? string.Empty : $" (confirm was '{confirm}')")}.");
            }

            var purged = await purger.PurgeAsync(new ReplaySelection(Group: group.Id), confirmed, AdminOperators.NameOf(http), cancellationToken);
            return TypedResults.Ok(new PurgeResult(group.Id, purged));
        }
        catch (DeadLettersUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    internal static async Task<Ok<ReplayJobList>> ListReplays(IReplayJobStore jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ReplayJobList(await jobs.ListAsync(50, cancellationToken)));

    internal static async Task<Results<Ok<ReplayJob>, ProblemHttpResult>> GetReplay(string replayId, IReplayJobStore jobs, CancellationToken cancellationToken) =>
        await jobs.GetAsync(replayId, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : Problems.Of(StatusCodes.Status404NotFound, "Unknown replay", $"No replay has the id {replayId}.");

    internal static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> GetAudit(
        IAuditTrail audit, CancellationToken cancellationToken, string? limit = null, string? pageToken = null)
    {
        if (!TryParseInt(limit, 50, 1, AuditLimits.MaxPageSize, out var count))
        {
            return Problems.BadRequest("Invalid limit", $"limit must be a whole number from 1 to {AuditLimits.MaxPageSize} (was '{limit}').");
        }

        try
        {
            return TypedResults.Ok(await audit.ListAsync(count, pageToken, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid page token", e.Message);
        }
    }

    private static async Task<Results<Accepted<ReplayJob>, ProblemHttpResult>> Start(
        ReplayRunner runner, HttpContext http, ReplaySelection selection, string? rate, string? first, CancellationToken cancellationToken)
    {
        var perSecond = ReplayLimits.DefaultRate;
        if (rate is not null && !(double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out perSecond) && perSecond is >= ReplayLimits.MinRate and <= ReplayLimits.MaxRate))
        {
            return Problems.BadRequest("Invalid rate", $"rate is messages per second, from {ReplayLimits.MinRate} to {ReplayLimits.MaxRate} (was '{rate}').");
        }

        int? canary = null;
        if (first is not null)
        {
            if (!TryParseInt(first, 0, 1, int.MaxValue, out var n))
            {
                return Problems.BadRequest("Invalid first", $"first is the canary's size, a whole number of 1 or more (was '{first}').");
            }

            canary = n;
        }

        try
        {
            var job = await runner.CreateAsync(selection, perSecond, canary, AdminOperators.NameOf(http), cancellationToken);
            return TypedResults.Accepted($"/admin/dead-letters/replays/{job.Id}", job);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("Invalid replay", e.Message);
        }
        catch (DeadLettersUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    private static async Task<Results<Ok<ReplayJob>, ProblemHttpResult>> Change(Func<Task<ReplayJob>> change)
    {
        try
        {
            return TypedResults.Ok(await change());
        }
        catch (ReplayJobNotFoundException e)
        {
            return Problems.Of(StatusCodes.Status404NotFound, "Unknown replay", e.Message);
        }
        catch (ReplayConflictException e)
        {
            return Problems.Of(StatusCodes.Status409Conflict, "Replay not in that state", e.Message);
        }
    }

    /// <summary>Dead letters that cannot be read (embedded mode, broker away): a 503 saying why.</summary>
    private static ProblemHttpResult Unavailable(DeadLettersUnavailableException e) =>
        Problems.Of(StatusCodes.Status503ServiceUnavailable, "Dead letters unavailable", e.Message);

    private static bool TryParseInt(string? text, int fallback, int min, int max, out int value)
    {
        if (text is null)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }
}

/// <summary>The answer of <c>GET /admin/lookups/{id}/history</c>: the entries of the lookup's current life, oldest first.</summary>
public sealed record LookupHistory(Guid LookupId, string LookupKey, string Status, IReadOnlyList<LookupHistoryEntry> Entries);

public sealed record StateCount(string State, long Count);

/// <param name="Diagram">A Mermaid <c>stateDiagram-v2</c> read from the running state machine (the same one docs/architecture.md shows).</param>
public sealed record StateMachinePicture(IReadOnlyList<StateCount> States, string Diagram);

public sealed record PurgeResult(string Group, int Purged);

public sealed record ReplayJobList(IReadOnlyList<ReplayJob> Items);

/// <summary>The state machine's diagram, from the machine this process runs (embedded) or the same type built here (the API alone).</summary>
internal static class LookupStateMachineDiagram
{
    private static string? _diagram;

    public static string Of(IServiceProvider services) => _diagram ??= LookupStateDiagram.ToMermaid(LookupStateDiagram.TransitionsOf(
        services.GetService<CrimeLookupStateMachine>() ??
        new CrimeLookupStateMachine(TimeProvider.System, Options.Create(new LookupOptions()))));
}
