using System.ComponentModel.DataAnnotations;
using EventDriven.Contracts;
using Microsoft.Extensions.Options;

namespace EventDriven.Workers.Upstreams;

/// <summary>Configuration section <c>Upstreams</c> (docs/architecture.md, "Configuration").</summary>
public sealed class UpstreamOptions : IValidatableObject
{
    public const string SectionName = "Upstreams";

    /// <summary>Serve both upstreams from the built-in simulator (the embedded offline demo).</summary>
    public bool Simulate { get; set; }

    /// <summary>Retries per upstream call after the first attempt (429, 5xx, timeouts, connection errors).</summary>
    [Range(1, 10)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially with jitter. A Retry-After header wins.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Required]
    [ValidateObjectMembers]
    public PostcodesIoOptions PostcodesIo { get; set; } = new();

    [Required]
    [ValidateObjectMembers]
    public PoliceApiOptions PoliceApi { get; set; } = new();

    /// <summary>The base URLs take relative paths (<c>postcodes/…</c>, <c>crimes-street/…</c>), so each must end with '/'.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (key, url) in new[]
        {
            (ConfigurationKeys.UpstreamsPostcodesIoBaseUrl, PostcodesIo?.BaseUrl),
            (ConfigurationKeys.UpstreamsPoliceApiBaseUrl, PoliceApi?.BaseUrl),
        })
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                yield return new ValidationResult($"{key} must be an absolute http(s) URL (was '{url}').");
            }
            else if (!url.AbsolutePath.EndsWith('/'))
            {
                yield return new ValidationResult($"{key} must end with '/' so relative paths append to it (was '{url}').");
            }
        }
    }
}

public sealed class PostcodesIoOptions
{
    [Required]
    public Uri BaseUrl { get; set; } = new("https://api.postcodes.io/");
}

public sealed class PoliceApiOptions
{
    [Required]
    public Uri BaseUrl { get; set; } = new("https://data.police.uk/api/");

    /// <summary>The police API budget (the real limit is 15/s per client IP); N worker processes split it at run time.</summary>
    [Range(0d, 1000d, MinimumIsExclusive = true)]
    public double RequestsPerSecond { get; set; } = 15;

    /// <summary>The burst the police API tolerates (documented: 30).</summary>
    [Range(1, 10_000)]
    public int Burst { get; set; } = 30;
}

/// <summary>Checks <see cref="UpstreamOptions"/>' annotations and URL rules (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>;
