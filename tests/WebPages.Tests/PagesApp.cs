using EventDriven.TestSupport;

// Browsers and the app share the 2 cores: one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace EventDriven.WebPages.Tests;

/// <summary>One app for every page spec: the built Producers program in embedded mode on the simulator, on a free port.</summary>
[CollectionDefinition(Name)]
public sealed class WebPagesCollection : ICollectionFixture<PagesApp>
{
    public const string Name = "web pages";
}

/// <summary>
/// The offline demo as <c>Upstreams__Simulate=true dotnet run --project Producers</c> starts it, but as the built program
/// on a real Kestrel port (127.0.0.1), with the default per-client rate limit: the pages must live within it.
/// </summary>
public sealed class PagesApp : IAsyncLifetime
{
    /// <summary>The operations console's key: a named admin key (<c>Admin__Keys__console</c>), so the audit says who.</summary>
    public const string AdminKey = "console-spec-key-0123456789abcdefghijklmnop";

    private AppProcess? _process;

    public AppProcess Process => _process ?? throw new InvalidOperationException("The app has not started.");

    public Uri BaseAddress => Process.BaseAddress;

    public HttpClient Http => Process.Http;

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).ToString();

    public async Task InitializeAsync() =>
        _process = await AppProcess.StartAsync(AppProcess.Producers, new Dictionary<string, string>
        {
            ["Upstreams__Simulate"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            // Outside Development the OpenAPI document is served only when asked for; the pages must leave it reachable.
            ["OpenApi__Enabled"] = "true",
            ["Admin__Keys__console"] = AdminKey,
        }).ConfigureAwait(false);

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }
    }
}
