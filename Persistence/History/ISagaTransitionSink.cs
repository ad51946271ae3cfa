using MassTransit;

namespace EventDriven.Persistence.History;

/// <summary>
/// Where <see cref="SagaTransitionFilter{TSaga,TMessage}"/> hands a transition once the state machine has applied an
/// event. In memory it is appended at once (the in-memory repository cannot lose a race). On DynamoDB it rides with the
/// saga's own conditional write, in one transaction: a transition whose save lost an optimistic-concurrency race is
/// never recorded, and a saved one always is.
/// </summary>
public interface ISagaTransitionSink
{
    /// <param name="context">The saga's consume context of this message (the same object the repository saves from).</param>
    /// <param name="entry">The transition; its <see cref="TransitionEntry.Version"/> is filled in by the sink.</param>
    Task RecordAsync(PipeContext context, Guid sagaId, TransitionEntry entry);

    /// <summary>Forgets what an earlier attempt at this message recorded but did not save (a retried event).</summary>
    void Clear(PipeContext context);
}

/// <summary>What a saga instance looks like to its history: its state and its fields as text.</summary>
public interface ISagaDescriber<in TSaga>
    where TSaga : class, SagaStateMachineInstance
{
    string StateOf(TSaga instance);

    /// <summary>Field name → value as text (null for none), in a stable order.</summary>
    IReadOnlyList<KeyValuePair<string, string?>> FieldsOf(TSaga instance);

    /// <summary>
    /// Fields that change on every message without changing what the lookup is doing (request counters, the update
    /// time): a save that changes only these is not a transition worth recording.
    /// </summary>
    bool IsBookkeeping(string field);
}
