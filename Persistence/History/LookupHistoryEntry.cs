using System.Text.Json;
using System.Text.Json.Serialization;

namespace EventDriven.Persistence.History;

/// <summary>
/// One line of a lookup's history ("flight recorder"): a saga transition, an upstream call, a dead-lettering, a replay
/// or an operator action. The <c>kind</c> property names which (see <see cref="HistoryKinds"/>); the same JSON is stored
/// (DynamoDB) and served (<c>GET /admin/lookups/{id}/history</c>), so there is one shape to keep.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(TransitionEntry), HistoryKinds.Transition)]
[JsonDerivedType(typeof(UpstreamCallEntry), HistoryKinds.Upstream)]
[JsonDerivedType(typeof(DeadLetteredEntry), HistoryKinds.DeadLetter)]
[JsonDerivedType(typeof(ReplayedEntry), HistoryKinds.Replay)]
[JsonDerivedType(typeof(OperatorEntry), HistoryKinds.Operator)]
public abstract record LookupHistoryEntry(DateTimeOffset At)
{
    /// <summary>The <c>kind</c> this entry is serialised with.</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>One line for people (the CLI's table).</summary>
    public abstract string Describe();
}

/// <summary>The entry kinds, defined once: the JSON discriminator, the CLI's column, the docs.</summary>
public static class HistoryKinds
{
    public const string Transition = "transition";
    public const string Upstream = "upstream";
    public const string DeadLetter = "deadLetter";
    public const string Replay = "replay";
    public const string Operator = "operator";

    public static readonly IReadOnlyList<string> All = [Transition, Upstream, DeadLetter, Replay, Operator];
}

/// <summary>A saved change of the saga instance, with the message that caused it.</summary>
/// <param name="From">The state before (<c>Initial</c> for a new instance).</param>
/// <param name="To">The state after (the same as <paramref name="From"/> when only fields changed, e.g. a re-sent command).</param>
/// <param name="MessageType">The message the saga consumed, e.g. <c>PostcodeGeocoded</c> or <c>Fault&lt;FetchCrimes&gt;</c>.</param>
/// <param name="Version">The instance's version this change was saved as (DynamoDB; a per-lookup sequence in memory).</param>
/// <param name="Changes">Every field that changed, before → after, as text.</param>
public sealed record TransitionEntry(
    DateTimeOffset At,
    string From,
    string To,
    string MessageType,
    Guid? MessageId,
    int Version,
    IReadOnlyList<FieldChange> Changes) : LookupHistoryEntry(At)
{
    [JsonIgnore]
    public override string Kind => HistoryKinds.Transition;

    public override string Describe() =>
        $"{From} -> {To} on {MessageType}" + (Changes.Count == 0 ? string.Empty : ": " + string.Join(", ", Changes.Select(c => c.Describe())));
}

/// <param name="Field">The field's name as the snapshot (<c>LookupSnapshot</c>) calls it, e.g. <c>attempts</c>.</param>
public sealed record FieldChange(string Field, string? Before, string? After)
{
    public string Describe() => $"{Field} {Before ?? "-"} -> {After ?? "-"}";
}

/// <summary>One HTTP attempt at an upstream made for this lookup (each retry is an entry of its own).</summary>
/// <param name="Upstream"><c>police-api</c> or <c>postcodes-io</c>.</param>
/// <param name="Url">Scheme, host, path and query; never user info.</param>
/// <param name="Status">The HTTP status; 0 when there was no answer (see <paramref name="Error"/>).</param>
/// <param name="Error">Why there was no answer (connection refused, timed out), or null.</param>
/// <param name="Attempt">1 for the first try of a call, 2 for its first retry, ...</param>
/// <param name="BudgetWaitMs">Time this attempt waited for the police budget (the fleet's 15 requests/second) before it was sent.</param>
public sealed record UpstreamCallEntry(
    DateTimeOffset At,
    string Upstream,
    string Method,
    string Url,
    int Status,
    string? Error,
    double DurationMs,
    int Attempt,
    double BudgetWaitMs,
    Guid? MessageId) : LookupHistoryEntry(At)
{
    [JsonIgnore]
    public override string Kind => HistoryKinds.Upstream;

    public override string Describe() =>
        $"{Upstream} {Method} {Url} -> {(Status == 0 ? Error ?? "no answer" : Status.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
        $"in {DurationMs:0} ms (attempt {Attempt}, budget wait {BudgetWaitMs:0} ms)";
}

/// <summary>A message of this lookup failed after its retries and went to <paramref name="Queue"/>'s error queue.</summary>
public sealed record DeadLetteredEntry(
    DateTimeOffset At,
    string Queue,
    string ErrorQueue,
    string MessageType,
    Guid? MessageId,
    string Reason) : LookupHistoryEntry(At)
{
    [JsonIgnore]
    public override string Kind => HistoryKinds.DeadLetter;

    public override string Describe() => $"{MessageType} {MessageId} went to {ErrorQueue}: {Reason}";
}

/// <summary>A dead letter of this lookup was moved back to be consumed again (or, <paramref name="Outcome"/> says, skipped).</summary>
/// <param name="ReplayId">The replay job, or null for a one-off replay.</param>
/// <param name="By">Who started the replay (an admin key's name, <c>cli:user@host</c>).</param>
public sealed record ReplayedEntry(
    DateTimeOffset At,
    string Queue,
    string? MessageId,
    string TargetQueue,
    string? ReplayId,
    string By,
    string Outcome) : LookupHistoryEntry(At)
{
    [JsonIgnore]
    public override string Kind => HistoryKinds.Replay;

    public override string Describe() => $"{MessageId} replayed from {Queue} to {TargetQueue} by {By}{(ReplayId is null ? string.Empty : $" (replay {ReplayId})")}: {Outcome}";
}

/// <summary>An operator acted on this lookup (re-drive, purge of its dead letter).</summary>
public sealed record OperatorEntry(DateTimeOffset At, string Who, string Action, string Detail) : LookupHistoryEntry(At)
{
    [JsonIgnore]
    public override string Kind => HistoryKinds.Operator;

    public override string Describe() => $"{Who}: {Action} — {Detail}";
}

/// <summary>The one serialiser of history entries (camelCase, as the HTTP API writes).</summary>
public static class LookupHistoryJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Serialize(LookupHistoryEntry entry) => JsonSerializer.Serialize(entry, Options);

    public static LookupHistoryEntry Deserialize(string json) =>
        JsonSerializer.Deserialize<LookupHistoryEntry>(json, Options) ?? throw new JsonException("A history entry is null.");
}
