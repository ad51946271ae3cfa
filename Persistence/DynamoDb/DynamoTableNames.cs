namespace EventDriven.Persistence.DynamoDb;

/// <summary>The table names for one <see cref="DynamoDbOptions.TablePrefix"/>, resolved from <see cref="DynamoTables"/>.</summary>
public sealed record DynamoTableNames(string Lookups, string Results, string UnsupportedPostcodes)
{
    /// <summary>Every lookup's history (see <see cref="DynamoTables.LookupHistory"/>).</summary>
    public string LookupHistory { get; init; } = DynamoTables.LookupHistory.NameWith(DynamoTables.DefaultPrefix);

    /// <summary>Audit trail, replay jobs and replay ledger (see <see cref="DynamoTables.Operations"/>).</summary>
    public string Operations { get; init; } = DynamoTables.Operations.NameWith(DynamoTables.DefaultPrefix);

    public static DynamoTableNames For(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new(DynamoTables.Lookups.NameWith(prefix), DynamoTables.Results.NameWith(prefix), DynamoTables.UnsupportedPostcodes.NameWith(prefix))
        {
            LookupHistory = DynamoTables.LookupHistory.NameWith(prefix),
            Operations = DynamoTables.Operations.NameWith(prefix),
        };
    }

    public IEnumerable<(TableDefinition Definition, string Name)> All()
    {
        yield return (DynamoTables.Lookups, Lookups);
        yield return (DynamoTables.Results, Results);
        yield return (DynamoTables.UnsupportedPostcodes, UnsupportedPostcodes);
        yield return (DynamoTables.LookupHistory, LookupHistory);
        yield return (DynamoTables.Operations, Operations);
    }
}
