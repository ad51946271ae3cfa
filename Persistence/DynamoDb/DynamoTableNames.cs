namespace EventDriven.Persistence.DynamoDb;

/// <summary>The three table names for one <see cref="DynamoDbOptions.TablePrefix"/>, resolved from <see cref="DynamoTables"/>.</summary>
public sealed record DynamoTableNames(string Lookups, string Results, string UnsupportedPostcodes)
{
    public static DynamoTableNames For(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new(DynamoTables.Lookups.NameWith(prefix), DynamoTables.Results.NameWith(prefix), DynamoTables.UnsupportedPostcodes.NameWith(prefix));
    }

    public IEnumerable<(TableDefinition Definition, string Name)> All()
    {
        yield return (DynamoTables.Lookups, Lookups);
        yield return (DynamoTables.Results, Results);
        yield return (DynamoTables.UnsupportedPostcodes, UnsupportedPostcodes);
    }
}
