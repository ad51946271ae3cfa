namespace EventDriven.Persistence.DynamoDb;

/// <summary>The three table names for one <see cref="DynamoDbOptions.TablePrefix"/>, resolved from <see cref="DynamoTables"/>.</summary>
public sealed record DynamoTableNames(string Lookups, string Results, string UnsupportedPostcodes)
{
    public static DynamoTableNames For(string prefix)
    {
        ValidatePrefix(prefix);
        return new(DynamoTables.Lookups.NameWith(prefix), DynamoTables.Results.NameWith(prefix), DynamoTables.UnsupportedPostcodes.NameWith(prefix));
    }

    public IEnumerable<(TableDefinition Definition, string Name)> All()
    {
        yield return (DynamoTables.Lookups, Lookups);
        yield return (DynamoTables.Results, Results);
        yield return (DynamoTables.UnsupportedPostcodes, UnsupportedPostcodes);
    }

    /// <summary>DynamoDB table names are 3-255 characters of <c>[a-zA-Z0-9_.-]</c>; a bad prefix fails at start-up, not on the first write.</summary>
    public static void ValidatePrefix(string? prefix)
    {
        if (prefix is null)
        {
            throw new ArgumentException("Persistence:DynamoDb:TablePrefix must not be null (use an empty string for no prefix).", nameof(prefix));
        }

        var longestSuffix = DynamoTables.All.Max(t => t.Suffix.Length);
        if (prefix.Length + longestSuffix > 255)
        {
            throw new ArgumentException($"Persistence:DynamoDb:TablePrefix '{prefix}' is too long: table names are at most 255 characters.", nameof(prefix));
        }

        foreach (var c in prefix)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                throw new ArgumentException(
                    $"Persistence:DynamoDb:TablePrefix '{prefix}' contains '{c}': DynamoDB table names allow only letters, digits, '_', '-' and '.'.",
                    nameof(prefix));
            }
        }
    }
}
