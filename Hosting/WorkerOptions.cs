using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Hosting;

/// <summary>Configuration section <c>Workers</c>: stopping (SIGTERM, Auto Scaling termination hook) and stuck-lookup recovery.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Workers";

    public static readonly TimeSpan MinimumShutdownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// On SIGTERM the bus stops taking messages, waits for the ones in flight and the host exits within this time.
    /// Consumers still running 1 s before it are cancelled; their messages are not acknowledged, so the broker hands
    /// them to another process (nothing is lost). Unset: the host's <c>shutdownTimeoutSeconds</c>
    /// (<c>DOTNET_shutdownTimeoutSeconds</c>), default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00", ErrorMessage = "Workers:ShutdownTimeout must be between 2 seconds and 1 hour.")]
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>
    /// How often a worker looks for lookups with no progress for <c>Lookups:StuckAfter</c> (a command lost between the
    /// saga saving its state and the broker taking the command: crash, broker restart) and asks the saga again, which
    /// re-sends the command. Zero turns the sweep off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Workers:StuckSweepInterval must be between 0 and 1 day.")]
    public TimeSpan StuckSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>In-flight consumers get the shutdown time less this margin, which is left for acknowledging and closing.</summary>
    internal static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(1);
}

/// <summary>Checks <see cref="WorkerOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class WorkerOptionsValidator : IValidateOptions<WorkerOptions>;
