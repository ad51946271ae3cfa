using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;

namespace EventDriven.TestSupport;

/// <summary>
/// One of our programs (Producers, Consumers, Simulator) as a real OS process: its build output started with
/// <c>dotnet EventDriven.X.dll --urls http://127.0.0.1:PORT</c> and the environment variables of docs/architecture.md, "Configuration".
/// Killed in <see cref="DisposeAsync"/> whatever happened. Used by the distributed specs and bench/DistributedBench.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    public const string Producers = "Producers";
    public const string Consumers = "Consumers";
    public const string Simulator = "SimulatorServer";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public string Name { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public int Id => _process.Id;

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

    /// <summary>Starts the program and waits until <paramref name="readyPath"/> answers 200 (null: don't wait).</summary>
    public static async Task<AppProcess> StartAsync(string project, IReadOnlyDictionary<string, string> environment, string? readyPath = "/health/ready", int? port = null)
    {
        var dll = Path.Combine(RepositoryRoot.Find(), project, "bin", BuildConfiguration, "net10.0", $"EventDriven.{project}.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} does not exist: build the solution ({BuildConfiguration}) first.");
        }

        var listenPort = port ?? FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{listenPort.ToString(CultureInfo.InvariantCulture)}");
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // Times in the output, so a failing test's logs line up with what it did when.
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Logging__LogLevel__MassTransit"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(project, process, listenPort);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (readyPath is not null)
        {
            try
            {
                await app.WaitUntilAsync(readyPath, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        return app;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200.</summary>
    public async Task WaitUntilAsync(string path, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before {path} answered:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not answer 200 on {path} within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(200).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, unacknowledged messages go back to their queues.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM, as systemd and the Auto Scaling drain send it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public Task<bool> WaitForExitAsync(TimeSpan timeout) => WaitForExitCoreAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
        Http.Dispose();
    }

    public Task<T?> GetJsonAsync<T>(string path) => Http.GetFromJsonAsync<T>(new Uri(path, UriKind.Relative));

    private async Task<bool> WaitForExitCoreAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Debug or Release: whichever this test assembly was built in (scripts/test.sh builds Release).</summary>
    public static string BuildConfiguration =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

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
