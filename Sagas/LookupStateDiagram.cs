using System.Text;
using MassTransit;
using MassTransit.SagaStateMachine;

namespace EventDriven.Sagas;

/// <summary>
/// The lookup saga's state diagram, read from the running state machine: every transition as (from, event, to). It is
/// what docs/architecture.md draws (a test compares the two) and what operators see. MassTransit's own graph
/// (<c>GetGraph</c>) shares one vertex per event between all states, which loses the state a transition starts from;
/// this visitor keeps it.
/// </summary>
public static class LookupStateDiagram
{
    /// <summary>MassTransit's name of the state before the first event; drawn as <c>[*]</c>.</summary>
    public const string InitialState = "Initial";

    public static IReadOnlyList<StateTransition> TransitionsOf<TSaga>(StateMachine<TSaga> machine)
        where TSaga : class, SagaStateMachineInstance
    {
        var visitor = new TransitionVisitor<TSaga>();
        machine.Accept(visitor);
        var order = machine.States.Select((state, index) => (state.Name, index)).ToDictionary(x => x.Name, x => x.index, StringComparer.Ordinal);
        int Rank(string state) => order.GetValueOrDefault(state, int.MaxValue);
        return visitor.Transitions
            .OrderBy(t => Rank(t.From)).ThenBy(t => Rank(t.To)).ThenBy(t => t.Event, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The transitions as a Mermaid <c>stateDiagram-v2</c>, one line per transition.</summary>
    public static string ToMermaid(IEnumerable<StateTransition> transitions)
    {
        static string Node(string state) => state == InitialState ? "[*]" : state;
        var text = new StringBuilder("stateDiagram-v2\n");
        foreach (var t in transitions)
        {
            text.Append("    ").Append(Node(t.From)).Append(" --> ").Append(Node(t.To)).Append(": ").Append(t.Event).Append('\n');
        }

        return text.ToString();
    }

    private sealed class TransitionVisitor<TSaga> : StateMachineVisitor
        where TSaga : class, SagaStateMachineInstance
    {
        private string _state = InitialState;
        private string _event = string.Empty;

        public HashSet<StateTransition> Transitions { get; } = [];

        public void Visit(State state, Action<State> next)
        {
            _state = state.Name;
            next(state);
        }

        public void Visit(Event @event, Action<Event> next)
        {
            _event = @event.Name;
            next(@event);
        }

        public void Visit<TData>(Event<TData> @event, Action<Event<TData>> next)
            where TData : class
        {
            _event = @event.Name;
            next(@event);
        }

        public void Visit(IStateMachineActivity activity) => Visit(activity, _ => { });

        public void Visit(IStateMachineActivity activity, Action<IStateMachineActivity> next)
        {
            if (activity is TransitionActivity<TSaga> transition)
            {
                Transitions.Add(new StateTransition(_state, _event, transition.ToState.Name));
            }

            // Conditional activities hand the visitor to both branches from here.
            next(activity);
        }

        public void Visit<T>(IBehavior<T> behavior)
            where T : class, SagaStateMachineInstance => Visit(behavior, _ => { });

        public void Visit<T>(IBehavior<T> behavior, Action<IBehavior<T>> next)
            where T : class, SagaStateMachineInstance => next(behavior);

        public void Visit<T, TData>(IBehavior<T, TData> behavior)
            where T : class, SagaStateMachineInstance
            where TData : class => Visit(behavior, _ => { });

        public void Visit<T, TData>(IBehavior<T, TData> behavior, Action<IBehavior<T, TData>> next)
            where T : class, SagaStateMachineInstance
            where TData : class => next(behavior);
    }
}

/// <summary>One arrow of the state diagram: in <paramref name="From"/>, <paramref name="Event"/> moves a lookup to <paramref name="To"/>.</summary>
public sealed record StateTransition(string From, string Event, string To);
