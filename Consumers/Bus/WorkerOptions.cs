using System.ComponentModel.DataAnnotations;

namespace EventDriven.Consumers.Bus;

/// <summary>Configuration section <c>Workers</c>: stopping (SIGTERM, Auto Scaling termination hook) and stuck-lookup recovery.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Workers";

    /// <summary>
    /// On SIGTERM the bus stops taking messages, waits for the ones in flight and the host exits within this time.
    /// Consumers still running after <see cref="ConsumerGrace"/> are cancelled; their messages are not acknowledged,
    /// so the broker hands them to another process (nothing is lost).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "01:00:00", ErrorMessage = "Workers:ShutdownTimeout must be between 2 seconds and 1 hour.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a worker looks for lookups with no progress for <c>Lookups:StuckAfter</c> (a command lost between the
    /// saga saving its state and the broker taking the command: crash, broker restart) and asks the saga again, which
    /// re-sends the command. Zero turns the sweep off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "Workers:StuckSweepInterval must be between 0 and 1 day.")]
    public TimeSpan StuckSweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>In-flight consumers get the shutdown time less this margin, which is left for acknowledging and closing.</summary>
    internal static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(1);

    public TimeSpan ConsumerGrace => ShutdownTimeout - CloseMargin;
}
