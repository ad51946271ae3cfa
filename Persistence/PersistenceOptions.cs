using System.ComponentModel.DataAnnotations;
using EventDriven.Contracts;
using Microsoft.Extensions.Options;

namespace EventDriven.Persistence;

/// <summary>Configuration section <c>Persistence</c> (docs/architecture.md, "Configuration").</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Persistence";

    public PersistenceProvider Provider { get; set; } = PersistenceProvider.InMemory;

    [ValidateObjectMembers]
    public DynamoDbOptions DynamoDb { get; set; } = new();

    [ValidateObjectMembers]
    public InMemoryStoreOptions InMemory { get; set; } = new();
}

/// <summary>
/// <c>Persistence:InMemory</c>: the bounds of the embedded mode's stores. Besides the retention DynamoDB's TTLs give
/// (<see cref="LookupRetention"/>), finished lookups are evicted least recently updated first, with their results,
/// once either cap is passed; lookups in progress are never evicted (the per-client in-flight cap bounds them).
/// </summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>Saga instances kept (about 1-2 KB each); also caps the unsupported-postcode registry.</summary>
    [Range(100, 10_000_000)]
    public int MaxLookups { get; set; } = 50_000;

    /// <summary>Results kept, in megabytes as estimated from their crimes (a simulated result is about 25 KB, a dense real one a few MB).</summary>
    [Range(1, 100_000)]
    public int MaxResultMegabytes { get; set; } = 128;

    /// <summary>How often the stores are swept for expired and surplus entries.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public enum PersistenceProvider
{
    InMemory,
    DynamoDb,
}

public sealed class DynamoDbOptions : IValidatableObject
{
    /// <summary>The prefix of the tables when none is configured.</summary>
    public const string DefaultTablePrefix = "eventdriven-";

    /// <summary>Endpoint override, e.g. <c>http://127.0.0.1:8000</c> for DynamoDB Local; unset means AWS's regional endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// Table names are this prefix plus <c>lookups</c>, <c>results</c> or <c>unsupported-postcodes</c>. DynamoDB allows
    /// 3-255 characters of <c>[a-zA-Z0-9_.-]</c>; 200 for the prefix leaves room for the longest suffix.
    /// </summary>
    [Required(AllowEmptyStrings = true)]
    [RegularExpression("^[A-Za-z0-9_.-]{0,200}$",
        ErrorMessage = "The field {0} holds at most 200 letters, digits, '_', '-' and '.' (DynamoDB table names allow no others).")]
    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>Create missing tables at start-up. Unset: true when <see cref="ServiceUrl"/> is set (local runs), else false.</summary>
    public bool? EnsureTables { get; set; }

    /// <summary>AWS region; DynamoDB Local accepts any.</summary>
    [RegularExpression("^[a-z]{2}(-[a-z]+)+-[0-9]+$", ErrorMessage = "The field {0} is an AWS region name like eu-west-2.")]
    public string? Region { get; set; }

    public bool ShouldEnsureTables => EnsureTables ?? !string.IsNullOrWhiteSpace(ServiceUrl);

    /// <summary>The endpoint override as a URL, or null for AWS's regional endpoint.</summary>
    public Uri? ServiceUri => string.IsNullOrWhiteSpace(ServiceUrl) ? null : new Uri(ServiceUrl, UriKind.Absolute);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ServiceUrl) &&
            !(Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            yield return new ValidationResult(
                $"{ConfigurationKeys.PersistenceDynamoDbServiceUrl} '{ServiceUrl}' is not an absolute http(s) URL.", [nameof(ServiceUrl)]);
        }
    }
}

/// <summary>Checks <see cref="PersistenceOptions"/>' annotations, DynamoDB's included (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>;
