using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>Configuration section <c>Admin</c>: the key operators send in <c>X-Api-Key</c>. Unset: every admin endpoint refuses.</summary>
public sealed class AdminOptions
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
}

/// <summary>Checks <see cref="AdminOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class AdminOptionsValidator : IValidateOptions<AdminOptions>;
