using System.ComponentModel.DataAnnotations;

namespace EventDriven.Consumers.Bus;

/// <summary>
/// Configuration section <c>Workers</c>: how long a process may take to stop (SIGTERM, Auto Scaling termination hook).
/// On SIGTERM the bus stops taking messages, waits for the ones in flight and the host exits within
/// <see cref="ShutdownTimeout"/>. Consumers still running after <see cref="ConsumerGrace"/> are cancelled; their
/// messages are not acknowledged, so the broker hands them to another process (nothing is lost).
/// </summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Workers";

    [Range(typeof(TimeSpan), "00:00:02", "01:00:00", ErrorMessage = "Workers:ShutdownTimeout must be between 2 seconds and 1 hour.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>In-flight consumers get the shutdown time less this margin, which is left for acknowledging and closing.</summary>
    internal static readonly TimeSpan CloseMargin = TimeSpan.FromSeconds(1);

    public TimeSpan ConsumerGrace => ShutdownTimeout - CloseMargin;
}
