using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EventDriven.Hosting.Bus;

/// <summary>Configuration section <c>Bus</c> (docs/architecture.md, "Configuration").</summary>
public sealed class BusOptions
{
    public const string SectionName = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    [ValidateObjectMembers]
    public RabbitMqOptions RabbitMq { get; set; } = new();
}

/// <summary>Checks <see cref="BusOptions"/>' annotations, the broker's included (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class BusOptionsValidator : IValidateOptions<BusOptions>;

/// <summary>
/// The transport is one switch: adding Amazon SQS is one package (MassTransit.AmazonSQS) and one case in
/// <see cref="BusExtensions.AddLookupBus"/>.
/// </summary>
public enum BusTransport
{
    InMemory,
    RabbitMq,
}

public sealed class RabbitMqOptions
{
    /// <summary>A RabbitMQ.Client connection factory for this broker (dead letters, readiness, fleet count): one place for host, credentials and TLS.</summary>
    public RabbitMQ.Client.ConnectionFactory CreateConnectionFactory(TimeSpan connectTimeout) => new()
    {
        HostName = Host,
        Port = Port,
        VirtualHost = VirtualHost,
        UserName = Username,
        Password = Password,
        RequestedConnectionTimeout = connectTimeout,
        Ssl = new RabbitMQ.Client.SslOption(Host, enabled: UseSsl),
    };

    [Required(AllowEmptyStrings = false)]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required(AllowEmptyStrings = false)]
    public string VirtualHost { get; set; } = "/";

    [Required(AllowEmptyStrings = false)]
    public string Username { get; set; } = "guest";

    [Required(AllowEmptyStrings = false)]
    public string Password { get; set; } = "guest";

    /// <summary>Amazon MQ speaks AMQPS on 5671.</summary>
    public bool UseSsl { get; set; }

    /// <summary>
    /// Messages the broker hands a process ahead of time per queue. Unset: each endpoint's concurrency limit, so no
    /// process hoards messages that an idle one could take (and a crash returns at most that many for redelivery).
    /// </summary>
    [Range(1, 1000)]
    public ushort? PrefetchCount { get; set; }
}

/// <summary>What a process hosts: the API publishes only, workers consume only, embedded does both in one process.</summary>
public enum BusRole
{
    Api,
    Workers,
    Embedded,
}
