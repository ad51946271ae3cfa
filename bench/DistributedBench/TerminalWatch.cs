using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventDriven.TestSupport;

namespace EventDriven.DistributedBench;

/// <summary>
/// Polls lookups through the public API (<c>GET /lookups/{id}</c>) and notes when each is first seen terminal, so a
/// 202's time to terminal is what a polling client sees (to within one polling round). Keeps polling through outages:
/// a 503 or a refused connection is "not yet". Lookups can be added while it runs; it ends when it is closed and every
/// lookup is terminal, or <see cref="Patience"/> after closing (then the unfinished ones are missing from the result).
/// </summary>
internal sealed class TerminalWatch
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    private readonly HttpClient _api;
    private readonly ConcurrentDictionary<Guid, byte> _pending = new();
    private readonly ConcurrentDictionary<Guid, TerminalLookup> _terminal = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTime _deadline = DateTime.MaxValue;

    private TerminalWatch(HttpClient api, IEnumerable<Guid> lookupIds)
    {
        _api = api;
        foreach (var id in lookupIds)
        {
            _pending[id] = 0;
        }

        Completion = RunAsync();
    }

    /// <summary>The lookups seen terminal, when and how; complete once every lookup is, or the patience is spent.</summary>
    public Task<IReadOnlyDictionary<Guid, TerminalLookup>> Completion { get; }

    public static TerminalWatch Start(HttpClient api, IEnumerable<Guid>? lookupIds = null) => new(api, lookupIds ?? []);

    /// <summary>Watches these lookups and every one already given, to the end.</summary>
    public static TerminalWatch StartClosed(HttpClient api, IEnumerable<Guid> lookupIds)
    {
        var watch = new TerminalWatch(api, lookupIds);
        watch.Close();
        return watch;
    }

    public void Add(Guid lookupId) => _pending[lookupId] = 0;

    /// <summary>No more lookups to come: the watch ends once those it has are terminal.</summary>
    public void Close()
    {
        _deadline = DateTime.UtcNow + Patience;
        _closed.TrySetResult();
    }

    private async Task<IReadOnlyDictionary<Guid, TerminalLookup>> RunAsync()
    {
        while (!(_closed.Task.IsCompleted && _pending.IsEmpty) && DateTime.UtcNow < _deadline)
        {
            await Parallel.ForEachAsync(_pending.Keys.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, cancellationToken) =>
            {
                var status = await StatusAsync(id);
                if (Lookups.IsTerminal(status))
                {
                    _terminal[id] = new TerminalLookup(DateTime.UtcNow, status!);
                    _pending.TryRemove(id, out _);
                }
            });
            await Task.Delay(Pause);
        }

        return _terminal;
    }

    private async Task<string?> StatusAsync(Guid id)
    {
        try
        {
            using var response = await _api.GetAsync(new Uri($"/lookups/{id}", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK
                ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null; // the API or its store away for the moment: asked again next round
        }
    }
}

/// <summary>When a lookup was first seen terminal (UTC), and its status then.</summary>
internal sealed record TerminalLookup(DateTime At, string Status);
