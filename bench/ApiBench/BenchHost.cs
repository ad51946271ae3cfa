using EventDriven.Producers;
using EventDriven.Simulator;

namespace EventDriven.ApiBench;

/// <summary>The embedded service on a real Kestrel port, plus a bare endpoint to compare against.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public UpstreamSimulator Simulator => _app.Services.GetRequiredService<UpstreamSimulator>();

    public IServiceProvider Services => _app.Services;

    /// <param name="services">Replacements after the composition (e.g. a fake clock).</param>
    public static async Task<BenchHost> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddProducersProcess();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapLookupApi();
        // The yardstick: the smallest useful minimal-API endpoint in the same process and pipeline.
        app.MapGet("/bare", () => TypedResults.Ok(new { status = "ok" }));
        await app.StartAsync();
        var address = app.Urls.First();
        return new BenchHost(app, address.TrimEnd('/') + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
