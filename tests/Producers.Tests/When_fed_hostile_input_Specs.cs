using System.Collections.Concurrent;
using System.Net;

namespace EventDriven.Producers.Tests;

/// <summary>
/// Fuzzing over a real Kestrel socket, as clients reach the service. One kind of request never reaches the application:
/// a path with an encoded NUL (<c>%00</c>) is refused by Kestrel's request-line parser with a bare 400; those are
/// checked to be 400 and counted apart.
/// </summary>
public sealed class When_fed_hostile_input_Specs : IClassFixture<When_fed_hostile_input_Specs.KestrelApiFactory>
{
    private const int PostcodeInputs = 6_000;
    private const int CoordinateInputs = 6_000;

    private readonly KestrelApiFactory factory;

    public When_fed_hostile_input_Specs(KestrelApiFactory factory) => this.factory = factory;

    public sealed class KestrelApiFactory : EmbeddedApiFactory
    {
        public KestrelApiFactory()
        {
            UseKestrel(0);
            StartServer();
        }
    }

    [Fact]
    public async Task Should_reject_every_hostile_postcode_with_a_problem_json_400()
    {
        var client = factory.CreateClient();
        var failures = new ConcurrentBag<string>();
        var inputs = HostileInputs.Postcodes(PostcodeInputs).ToList();

        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (input, ct) =>
        {
            // Half go percent-encoded as one segment; half keep their slashes, so traversals become real path
            // segments. A traversal that climbs out of /postcode/ is another route's business: it must still be
            // problem+json (404), never a 5xx.
            var keepSlashes = input.Length % 2 == 0;
            var path = keepSlashes
                ? string.Join('/', input.Split('/').Select(HostileInputs.Encode))
                : HostileInputs.Encode(input);
            var uri = new Uri(client.BaseAddress + "postcode/" + path);
            if (uri.AbsolutePath != "/postcode/" + path)
            {
                // The client resolved a ".." (as every HTTP client does): the server is sent some other, possibly valid,
                // request. It must still never fail, and any error must be problem+json.
                await CheckNoServerError(client, uri, input, failures, ct);
                return;
            }

            await Check(client, uri, input, HttpStatusCode.BadRequest, failures, ct);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} of {inputs.Count} inputs misbehaved, e.g.:\n{string.Join("\n", failures.Take(10))}");
    }

    [Fact]
    public async Task Should_reject_every_hostile_coordinate_pair_with_a_problem_json_400()
    {
        var client = factory.CreateClient();
        var failures = new ConcurrentBag<string>();
        var inputs = HostileInputs.CoordinatePairs(CoordinateInputs).ToList();

        await Parallel.ForEachAsync(inputs, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (pair, ct) =>
        {
            var query = string.Join('&', new[] { ("latitude", pair.Latitude), ("longitude", pair.Longitude) }
                .Where(p => p.Item2 is not null)
                .Select(p => $"{p.Item1}={HostileInputs.Encode(p.Item2!)}"));
            var uri = new Uri(client.BaseAddress + "coordinates?" + query);
            await Check(client, uri, $"lat={pair.Latitude} lng={pair.Longitude}", HttpStatusCode.BadRequest, failures, ct);
        });

        Assert.True(failures.IsEmpty, $"{failures.Count} of {inputs.Count} inputs misbehaved, e.g.:\n{string.Join("\n", failures.Take(10))}");
    }

    private static async Task Check(HttpClient client, Uri uri, string input, HttpStatusCode expected, ConcurrentBag<string> failures, CancellationToken ct)
    {
        using var response = await client.GetAsync(uri, ct);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var refusedByKestrel = uri.AbsolutePath.Contains("%00", StringComparison.Ordinal);
        if (refusedByKestrel ? response.StatusCode != HttpStatusCode.BadRequest : response.StatusCode != expected || mediaType != "application/problem+json")
        {
            failures.Add($"{(int)response.StatusCode} {mediaType} for {HostileInputs.Describe(input)}");
        }
    }

    private static async Task CheckNoServerError(HttpClient client, Uri uri, string input, ConcurrentBag<string> failures, CancellationToken ct)
    {
        using var response = await client.GetAsync(uri, ct);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if ((int)response.StatusCode >= 500 || ((int)response.StatusCode >= 400 && mediaType != "application/problem+json"))
        {
            failures.Add($"{(int)response.StatusCode} {mediaType} for {HostileInputs.Describe(input)} sent as {uri.AbsolutePath}");
        }
    }
}
