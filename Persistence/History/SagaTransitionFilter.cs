using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Persistence.History;

/// <summary>
/// Around the state machine, per message: the instance's state and fields before the event, the same after, and what
/// changed between them, with the message that caused it. Saves that change only bookkeeping (a duplicate request
/// counted) are not transitions. Works the same on every saga repository; where the entry goes is the sink's business.
/// </summary>
public sealed class SagaTransitionFilter<TSaga, TMessage>(ISagaDescriber<TSaga> describer, ISagaTransitionSink sink, TimeProvider time)
    : IFilter<SagaConsumeContext<TSaga, TMessage>>
    where TSaga : class, SagaStateMachineInstance
    where TMessage : class
{
    private static readonly string MessageTypeName = MessageTypeNames.Of(typeof(TMessage));

    public async Task Send(SagaConsumeContext<TSaga, TMessage> context, IPipe<SagaConsumeContext<TSaga, TMessage>> next)
    {
        sink.Clear(context);
        var fromState = describer.StateOf(context.Saga);
        var before = describer.FieldsOf(context.Saga);

        await next.Send(context).ConfigureAwait(false);

        var toState = describer.StateOf(context.Saga);
        var changes = Diff(before, describer.FieldsOf(context.Saga));
        if (fromState == toState && changes.All(c => describer.IsBookkeeping(c.Field)))
        {
            return;
        }

        var entry = new TransitionEntry(time.GetUtcNow(), fromState, toState, MessageTypeName, context.MessageId, Version: 0, changes);
        await sink.RecordAsync(context, context.Saga.CorrelationId, entry).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("sagaTransitionHistory");

    internal static IReadOnlyList<FieldChange> Diff(IReadOnlyList<KeyValuePair<string, string?>> before, IReadOnlyList<KeyValuePair<string, string?>> after)
    {
        var old = before.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var changes = new List<FieldChange>();
        foreach (var (field, value) in after)
        {
            var previous = old.GetValueOrDefault(field);
            if (!string.Equals(previous, value, StringComparison.Ordinal))
            {
                changes.Add(new FieldChange(field, previous, value));
            }
        }

        return changes;
    }
}

/// <summary>Message type names as operators read them: <c>FetchCrimes</c>, <c>Fault&lt;FetchCrimes&gt;</c>.</summary>
public static class MessageTypeNames
{
    public static string Of(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(",", type.GetGenericArguments().Select(Of))}>"
            : type.Name;
}

/// <summary>Puts <see cref="SagaTransitionFilter{TSaga,TMessage}"/> in front of the state machine for every message type of <typeparamref name="TSaga"/>.</summary>
internal sealed class SagaTransitionRecording<TSaga>(ISagaDescriber<TSaga> describer, ISagaTransitionSink sink, TimeProvider time) : ISagaConfigurationObserver
    where TSaga : class, SagaStateMachineInstance
{
    public void SagaConfigured<T>(ISagaConfigurator<T> configurator)
        where T : class, ISaga
    {
    }

    public void StateMachineSagaConfigured<T>(ISagaConfigurator<T> configurator, SagaStateMachine<T> stateMachine)
        where T : class, ISaga, SagaStateMachineInstance
    {
    }

    public void SagaMessageConfigured<T, TMessage>(ISagaMessageConfigurator<T, TMessage> configurator)
        where T : class, ISaga
        where TMessage : class
    {
        if (typeof(T) == typeof(TSaga))
        {
            configurator.UseFilter((IFilter<SagaConsumeContext<T, TMessage>>)(object)new SagaTransitionFilter<TSaga, TMessage>(describer, sink, time));
        }
    }
}

public static class SagaTransitionRecordingExtensions
{
    /// <summary>
    /// Records every transition of this saga in its history, through the <see cref="ISagaTransitionSink"/> and
    /// <see cref="ISagaDescriber{TSaga}"/> registered in the container (the persistence provider registers the sink).
    /// </summary>
    /// <remarks>A container without both (a test harness of the state machine alone) records nothing.</remarks>
    public static ISagaConfigurator<TSaga> RecordTransitions<TSaga>(this ISagaConfigurator<TSaga> saga, IServiceProvider services)
        where TSaga : class, SagaStateMachineInstance
    {
        if (services.GetService<ISagaDescriber<TSaga>>() is { } describer && services.GetService<ISagaTransitionSink>() is { } sink)
        {
            saga.ConnectSagaConfigurationObserver(new SagaTransitionRecording<TSaga>(describer, sink, services.GetService<TimeProvider>() ?? TimeProvider.System));
        }

        return saga;
    }
}
