using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using EventDriven.Contracts;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>
/// Configuration section <c>Admin</c>: the keys operators send in <c>X-Api-Key</c>. <see cref="ApiKey"/> is one unnamed
/// key; <see cref="Keys"/> are named ones (<c>Admin__Keys__alice</c>), so the audit trail can say who did what. Neither
/// set: every admin endpoint refuses.
/// </summary>
public sealed partial class AdminOptions : IValidatableObject
{
    public const string SectionName = "Admin";

    /// <summary>The shortest key accepted: guessing a 32-character random key is out of reach even without throttling.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>Generate one with <c>openssl rand -base64 32</c>.</summary>
    [MinLength(MinimumKeyLength, ErrorMessage = "{0} must be at least 32 characters long (generate one with: openssl rand -base64 32).")]
    public string? ApiKey { get; set; }

    /// <summary>
    /// Wrong keys a client may send per minute; past that, every admin request from it answers 429 until the minute
    /// has refilled its allowance (a right key included, so guessing cannot go on at the limit's pace).
    /// </summary>
    [Range(1, 10_000)]
    public int FailedKeyAttemptsPerMinute { get; set; } = 10;

    /// <summary>Named keys: operator name → key (<c>Admin__Keys__alice=...</c>). Names are 1-64 letters, digits, '.', '_' or '-'.</summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    public bool AnyKey => !string.IsNullOrEmpty(ApiKey) || Keys.Count > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(ApiKey))
        {
            seen[ApiKey] = ConfigurationKeys.AdminApiKey;
        }

        foreach (var (name, key) in Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var setting = ConfigurationKeys.AdminKeysPrefix + name;
            if (!OperatorName().IsMatch(name))
            {
                yield return new ValidationResult($"{setting}: an operator name is 1-64 letters, digits, '.', '_' or '-'.", [nameof(Keys)]);
            }

            if (string.IsNullOrEmpty(key) || key.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"{setting} must be at least 32 characters long (generate one with: openssl rand -base64 32).", [nameof(Keys)]);
            }
            else if (!seen.TryAdd(key, setting))
            {
                // One key, one operator: otherwise the audit trail could not tell who it was.
                yield return new ValidationResult($"{setting} holds the same key as {seen[key]}; every operator needs a key of their own.", [nameof(Keys)]);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex OperatorName();
}

/// <summary>Checks <see cref="AdminOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;
