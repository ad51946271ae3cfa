using System.Reflection;
using System.Reflection.Emit;

namespace EventDriven.Architecture.Tests;

/// <summary>
/// Which of our namespaces use which, read from the compiled assemblies: every type a type names in its signatures,
/// fields, attributes and method bodies (IL tokens), lambdas and async state machines included (they are nested types,
/// so they count for the namespace of the code that wrote them).
/// </summary>
internal static class NamespaceGraph
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>
    /// The graph over every namespace our assemblies declare types in, whatever its name (a registration class placed in
    /// <c>Microsoft.Extensions.DependencyInjection</c> counts as that namespace, so it cannot hide a loop).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> Build(IReadOnlyCollection<Assembly> assemblies)
    {
        var ours = assemblies.SelectMany(a => a.GetTypes()).Select(t => t.Namespace).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.Namespace is not { } from)
            {
                continue;
            }

            var targets = edges.TryGetValue(from, out var set) ? set : edges[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in ReferencedTypes(type))
            {
                // Only namespaces our own types live in; a framework type in a namespace we also use (e.g. the DI
                // container's) would otherwise link our namespaces through the framework.
                if (used.Namespace is { } to && to != from && ours.Contains(to) && OurAssembly(used, assemblies))
                {
                    targets.Add(to);
                }
            }
        }

        return edges.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value, StringComparer.Ordinal);
    }

    private static bool OurAssembly(Type type, IReadOnlyCollection<Assembly> assemblies) => assemblies.Contains(type.Assembly);

    /// <summary>Strongly connected components with more than one namespace: each is an import loop.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Cycles(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        // Tarjan's algorithm.
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        var next = 0;

        void Connect(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in graph.GetValueOrDefault(node) ?? new HashSet<string>())
            {
                if (!index.ContainsKey(target))
                {
                    Connect(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target))
                {
                    low[node] = Math.Min(low[node], index[target]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Connect(node);
            }
        }

        return cycles;
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || t.IsGenericParameter || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsConstructedGenericType)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var face in type.GetInterfaces())
        {
            Add(face);
        }

        foreach (var attribute in type.CustomAttributes)
        {
            Add(attribute.AttributeType);
        }

        foreach (var field in type.GetFields(Everything))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(Everything))
        {
            Add(property.PropertyType);
        }

        foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var used in TypesInBody(method))
            {
                Add(used);
            }
        }

        return found;
    }

    /// <summary>The types the IL of a method names: calls, field access, object creation, casts, typeof.</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            var value = (short)il[position++];
            if (value == 0xFE)
            {
                value = (short)(0xFE00 | il[position++]);
            }

            if (!OpCodesByValue.TryGetValue(value, out var opCode))
            {
                yield break; // not IL we understand: stop rather than misread
            }

            switch (opCode.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    MemberInfo? member = null;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMemberException)
                    {
                        // A token reflection cannot resolve here (e.g. a vararg call site): it names nothing of ours.
                    }

                    switch (member)
                    {
                        case Type used:
                            yield return used;
                            break;
                        case FieldInfo field:
                            yield return field.DeclaringType!;
                            yield return field.FieldType;
                            break;
                        case MethodBase called:
                            if (called.DeclaringType is { } owner)
                            {
                                yield return owner;
                            }

                            if (called is MethodInfo { IsGenericMethod: true } generic)
                            {
                                foreach (var argument in generic.GetGenericArguments())
                                {
                                    yield return argument;
                                }
                            }

                            break;
                    }

                    break;
                case OperandType.InlineSwitch:
                    var targets = BitConverter.ToInt32(il, position);
                    position += 4 + (4 * targets);
                    break;
                default:
                    position += OperandSize(opCode.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
