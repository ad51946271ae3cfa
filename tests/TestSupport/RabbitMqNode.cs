using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using RabbitMQ.Client;

namespace EventDriven.TestSupport;

/// <summary>
/// A private RabbitMQ node (Debian's <c>rabbitmq-server</c>, installed by <c>scripts/install.d/30-rabbitmq.sh</c>) on
/// 127.0.0.1 and free ports, with its own node name, database and logs in a temp directory. It can be stopped and
/// started again on the same port and database (durable queues and persistent messages survive, as on a real restart).
/// Debian's wrapper drops from root to user <c>rabbitmq</c>, so the directories belong to that user.
/// </summary>
public sealed class RabbitMqNode : IAsyncDisposable
{
    public const string InstallScript = "scripts/install.d/30-rabbitmq.sh";

    /// <summary>The Erlang VM boots in ~3-5 s here; allow for a loaded 2-core CI machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static int _instances;

    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RabbitMqNode(string directory, int port, int distributionPort, string nodeName)
    {
        _directory = directory;
        Port = port;
        DistributionPort = distributionPort;
        NodeName = nodeName;
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int Port { get; }
    public int DistributionPort { get; }
    public string NodeName { get; }
    public string Host => "127.0.0.1";

    /// <summary>The environment a process needs to use this node as its bus (the keys of docs/architecture.md, "Configuration").</summary>
    public IReadOnlyDictionary<string, string> BusEnvironment => new Dictionary<string, string>
    {
        ["Bus__Transport"] = "RabbitMq",
        ["Bus__RabbitMq__Host"] = Host,
        ["Bus__RabbitMq__Port"] = Port.ToString(CultureInfo.InvariantCulture),
    };

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a new node and returns once it accepts AMQP connections.</summary>
    public static async Task<RabbitMqNode> StartAsync(CancellationToken cancellationToken = default)
    {
        FindExecutable("rabbitmq-server"); // a clear message before anything is created
        var directory = Directory.CreateTempSubdirectory("rabbitmq-node-").FullName;
        var port = FreePort.Next();
        var distributionPort = FreePort.Next();
        var node = new RabbitMqNode(
            directory,
            port,
            distributionPort,
            $"edtest-{Environment.ProcessId}-{Interlocked.Increment(ref _instances)}-{port}@localhost");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
            Directory.CreateDirectory(Path.Combine(directory, "log"));
            // No plugins: nothing here depends on one (no delayed exchange, no management UI).
            await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].", cancellationToken).ConfigureAwait(false);
            await RunAsync("chown", ["-R", "rabbitmq:rabbitmq", directory], cancellationToken).ConfigureAwait(false);
            await node.StartAgainAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the node (again) on the same port and database; returns once it accepts AMQP connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"RabbitMQ node {NodeName} is already running.");
        }

        var start = new ProcessStartInfo(FindExecutable("rabbitmq-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var (key, value) in NodeEnvironment())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start rabbitmq-server.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await WaitUntilAcceptingAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the node the orderly way (<c>rabbitmqctl stop</c>): clients see the connection close.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await RunAsync(FindExecutable("rabbitmqctl"), ["-q", "-n", NodeName, "stop"], timeout.Token, NodeEnvironment()).ConfigureAwait(false);
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>
    /// A new, empty virtual host with full rights for the default user: a fresh broker as far as its clients can tell
    /// (no exchanges, no queues), without the seconds a new node takes to boot.
    /// </summary>
    public async Task AddVirtualHostAsync(string name, CancellationToken cancellationToken = default)
    {
        var rabbitmqctl = FindExecutable("rabbitmqctl");
        await RunAsync(rabbitmqctl, ["-q", "-n", NodeName, "add_vhost", name], cancellationToken, NodeEnvironment()).ConfigureAwait(false);
        await RunAsync(rabbitmqctl, ["-q", "-n", NodeName, "set_permissions", "-p", name, "guest", ".*", ".*", ".*"], cancellationToken, NodeEnvironment())
            .ConfigureAwait(false);
    }

    /// <summary>SIGKILL (<c>kill -9</c>): no orderly shutdown; clients find their connections dead.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // The Debian wrapper runs the Erlang VM as a child: kill the whole tree.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A connection for test assertions (queue depths) and for injecting raw messages.</summary>
    public Task<IConnection> ConnectAsync(CancellationToken cancellationToken = default) =>
        new ConnectionFactory { HostName = Host, Port = Port, RequestedConnectionTimeout = TimeSpan.FromSeconds(5) }
            .CreateConnectionAsync("eventdriven-tests", cancellationToken);

    /// <summary>
    /// Empties these queues (declaring them durable, as MassTransit does, where they do not exist yet): specs sharing a
    /// node start from empty queues even when an earlier spec failed and left its messages behind.
    /// </summary>
    public async Task PurgeAsync(IEnumerable<string> queues, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var queue in queues)
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueuePurgeAsync(queue, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Messages ready in a queue and consumers attached to it; (0, 0) when the queue does not exist.</summary>
    public async Task<(uint Messages, uint Consumers)> QueueDepthAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var declared = await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
            return (declared.MessageCount, declared.ConsumerCount);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return (0, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await StopAsync().ConfigureAwait(false);
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private Dictionary<string, string> NodeEnvironment() => new()
    {
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = Host,
        ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        // The default (port + 20000) can be past 65535 for an OS-chosen port, and two nodes must not share one.
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        ["ERL_EPMD_ADDRESS"] = Host,
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins"),
        ["ERL_CRASH_DUMP"] = Path.Combine(_directory, "erl_crash.dump"),
    };

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process is { HasExited: true } exited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with code {exited.ExitCode} while starting node {NodeName}:\n{Output}");
            }

            // The AMQP listener opens last, once the broker has booted.
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Host, Port, cancellationToken).ConfigureAwait(false);
                await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException)
            {
                if (clock.Elapsed > StartTimeout)
                {
                    Kill();
                    throw new TimeoutException($"RabbitMQ node {NodeName} did not accept connections on port {Port} within {StartTimeout.TotalSeconds:0} s:\n{Output}", e);
                }
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string FindExecutable(string name)
    {
        foreach (var directory in new[] { "/usr/sbin", "/usr/bin", "/usr/lib/rabbitmq/bin" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"RabbitMQ is not installed ({name} not found). Run: bash {InstallScript}");
    }

    private static async Task RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Kill();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
