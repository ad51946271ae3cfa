using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EventDriven.TestSupport;

/// <summary>
/// A private HAProxy (Debian's <c>haproxy</c>, installed by <c>scripts/install.d/40-haproxy.sh</c>) in front of API
/// processes on 127.0.0.1, configured like the ALB: round robin, no stickiness, each server health-checked on
/// <c>/health/ready</c> (out after 3 failed checks as the CloudFormation's UnhealthyThresholdCount, back after 2 good
/// ones, a check timing out after the ALB's default 5 s; every 500 ms rather than 15 s, so tests are quick). A request
/// whose connection fails or is closed before any answer is retried on another server (GETs are safe to repeat), as
/// the ALB does; when every server fails its checks the requests go to all of them, as the ALB fails open.
/// </summary>
public sealed class HaProxy : IAsyncDisposable
{
    public const string InstallScript = "scripts/install.d/40-haproxy.sh";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _stats;

    private HaProxy(Process process, string directory, int port, int statsPort)
    {
        _process = process;
        _directory = directory;
        Port = port;
        _stats = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{statsPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>Starts HAProxy with one server per port (named <c>api1</c>, <c>api2</c>, …) and waits until all are up.</summary>
    public static async Task<HaProxy> StartAsync(IReadOnlyList<int> serverPorts)
    {
        var executable = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"haproxy is not installed: run {InstallScript}");
        var directory = Directory.CreateTempSubdirectory("haproxy-").FullName;
        var port = FreePort.Next();
        var statsPort = FreePort.Next();
        var servers = string.Join("\n", serverPorts.Select((p, i) => $"    server {ServerName(i)} 127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} check"));
        // The ALB fails open: when every target is unhealthy it routes to all of them rather than answering 503 itself.
        // The same servers as unchecked backups (all of them, round robin) do that here.
        var failOpen = string.Join("\n", serverPorts.Select((p, i) => $"    server {ServerName(i)}-fail-open 127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)} backup"));
        var configuration = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(configuration, $"""
            global
                maxconn 4096
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout check 5s
                retries 3
                option redispatch 1
                retry-on conn-failure empty-response
            frontend api
                bind 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
                default_backend apis
            backend apis
                balance roundrobin
                option httpchk GET /health/ready
                http-check expect status 200
                option allbackups
                default-server inter 500ms fall 3 rise 2
            {servers}
            {failOpen}
            listen stats
                bind 127.0.0.1:{statsPort.ToString(CultureInfo.InvariantCulture)}
                stats enable
                stats uri /stats

            """).ConfigureAwait(false); // HAProxy wants a line feed after the last line

        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-db"); // foreground
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(configuration);
        var process = new Process { StartInfo = start };
        var proxy = new HaProxy(process, directory, port, statsPort);
        process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            for (var i = 0; i < serverPorts.Count; i++)
            {
                await proxy.WaitUntilAsync(i, "UP", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
        }
        catch
        {
            await proxy.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return proxy;
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

    /// <summary>The health-check status HAProxy gives a server: <c>UP</c>, <c>DOWN</c>, or a transition (<c>UP 1/2</c>).</summary>
    public async Task<string> StatusAsync(int server)
    {
        var csv = await _stats.GetStringAsync(new Uri("/stats;csv", UriKind.Relative)).ConfigureAwait(false);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        var status = Array.IndexOf(header, "status");
        var row = lines.Select(l => l.Split(',')).Single(f => f[0] == "apis" && f[1] == ServerName(server));
        return row[status];
    }

    /// <summary>Waits until a server has <paramref name="status"/> (its checks, not a guess at their timing).</summary>
    public async Task WaitUntilAsync(int server, string status, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if (await StatusAsync(server).ConfigureAwait(false) == status)
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
                throw new TimeoutException($"haproxy did not report {ServerName(server)} {status} within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _stats.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string ServerName(int index) => $"api{(index + 1).ToString(CultureInfo.InvariantCulture)}";

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
}
