namespace EventDriven.Producers.Admin;

/// <summary>Configuration section <c>Admin</c>: the key operators send in <c>X-Api-Key</c>. Unset: every admin endpoint refuses.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? ApiKey { get; set; }
}
