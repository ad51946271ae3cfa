namespace EventDriven.Contracts;

/// <summary>Reasons the API gives for lookups it cannot answer with crimes. Defined once here.</summary>
public static class LookupReasons
{
    public const string Unsupported =
        "Police Scotland does not publish to data.police.uk, so crimes for Scottish postcodes cannot be looked up.";
}
