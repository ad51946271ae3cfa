using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EventDriven.TestSupport;

namespace EventDriven.Producers.Tests;

/// <summary>
/// A real HAProxy on 127.0.0.1 in front of the API, appending each caller's address to <c>X-Forwarded-For</c>
/// (<c>option forwardfor</c>), as API Gateway and the ALB do in front of the service. Killed on dispose.
/// </summary>
public sealed class AppendingProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private AppendingProxy(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri BaseAddress { get; }

    public static async Task<AppendingProxy> StartAsync(Uri backend)
    {
        var executable = File.Exists("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : "haproxy";
        var port = FreePort.Next();
        var directory = Directory.CreateTempSubdirectory("haproxy").FullName;
        var config = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 512
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            frontend api
                bind 127.0.0.1:{port}
                option forwardfor
                default_backend app
            backend app
                server app1 127.0.0.1:{backend.Port}

            """);

        var process = new Process
        {
            StartInfo = new ProcessStartInfo(executable, ["-db", "-f", config])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        var proxy = new AppendingProxy(process, directory, port);
        process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"haproxy exited with {process.ExitCode}: {proxy._output}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return proxy;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x.y.z is a loopback address on Linux).</summary>
    public static HttpClient ClientFrom(string source, Uri baseAddress)
    {
        var address = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(address, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
