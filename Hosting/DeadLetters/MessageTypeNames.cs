using System.Text;

namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// Reads the message type names of MassTransit's envelope (<c>urn:message:Namespace:Name</c>) as an operator reads a
/// C# type: <c>urn:message:MassTransit:Fault[[EventDriven.Contracts.Messages:FetchCrimes]]</c> is
/// <c>Fault&lt;FetchCrimes&gt;</c>. Generic arguments are written <c>[[Ns:Arg1],[Ns:Arg2]]</c> after the name, nested
/// to any depth, so the name cannot be cut at the last colon.
/// </summary>
public static class MessageTypeNames
{
    private const string Prefix = "urn:message:";

    /// <returns>The short type name, or the text as it came when it does not have the URN's shape.</returns>
    public static string FromUrn(string urn)
    {
        ArgumentNullException.ThrowIfNull(urn);
        var text = urn.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? urn[Prefix.Length..] : urn;
        var position = 0;
        var name = new StringBuilder();
        return TryRead(text, ref position, name) && position == text.Length ? name.ToString() : urn;
    }

    /// <summary>One type at <paramref name="position"/>: <c>Ns:Name</c>, then its generic arguments if any.</summary>
    private static bool TryRead(string text, ref int position, StringBuilder name)
    {
        var start = position;
        while (position < text.Length && text[position] is not ('[' or ']' or ','))
        {
            position++;
        }

        var qualified = text[start..position];
        var shortName = qualified[(qualified.LastIndexOf(':') + 1)..];
        if (shortName.Length == 0)
        {
            return false;
        }

        name.Append(shortName);
        if (position >= text.Length || text[position] != '[')
        {
            return true;
        }

        // Generic arguments: '[' then one or more '[type]' separated by ',' then ']'.
        position++;
        name.Append('<');
        for (var first = true; ; first = false)
        {
            if (position >= text.Length || text[position] != '[')
            {
                return false;
            }

            position++;
            name.Append(first ? string.Empty : ", ");
            if (!TryRead(text, ref position, name) || position >= text.Length || text[position] != ']')
            {
                return false;
            }

            position++;
            if (position < text.Length && text[position] == ',')
            {
                position++;
                continue;
            }

            if (position < text.Length && text[position] == ']')
            {
                position++;
                name.Append('>');
                return true;
            }

            return false;
        }
    }
}
