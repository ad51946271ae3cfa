using System.Globalization;
using System.Net;

namespace EventDriven.Producers.Tests;

/// <summary>
/// The per-client rate limit behind a real appending proxy (HAProxy with <c>option forwardfor</c>, as API Gateway and
/// the ALB append) and against callers who write their own <c>X-Forwarded-For</c>. The API trusts the proxy's address
/// only (<c>ForwardedHeaders__KnownNetworks=127.0.0.1/32</c>); each caller connects from its own loopback address.
/// </summary>
public sealed class When_clients_call_through_proxies_Specs
{
    private const int Burst = 5;
    private const string Proxy = "127.0.0.1/32";

    [Fact]
    public async Task Should_give_each_caller_behind_the_proxy_its_own_budget()
    {
        await using var api = StartApi(Proxy);
        await using var proxy = await AppendingProxy.StartAsync(BaseAddressOf(api));
        using var a = AppendingProxy.ClientFrom("127.0.0.2", proxy.BaseAddress);
        using var b = AppendingProxy.ClientFrom("127.0.0.3", proxy.BaseAddress);

        var burstOfA = await SendAsync(a, 3 * Burst);
        var firstOfB = await b.GetAsync(Probe);

        Assert.Equal(Burst, burstOfA.Count(s => s != HttpStatusCode.TooManyRequests));
        Assert.NotEqual(HttpStatusCode.TooManyRequests, firstOfB.StatusCode);
    }

    [Fact]
    public async Task Should_ignore_a_forwarded_address_written_by_a_caller_who_connects_directly()
    {
        await using var api = StartApi(Proxy);
        using var spoofer = AppendingProxy.ClientFrom("127.0.0.4", BaseAddressOf(api));

        var answers = await SendAsync(spoofer, 6 * Burst, spoof: true);

        Assert.Equal(Burst, answers.Count(s => s != HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Should_ignore_a_forwarded_address_written_by_a_caller_behind_the_proxy()
    {
        await using var api = StartApi(Proxy);
        await using var proxy = await AppendingProxy.StartAsync(BaseAddressOf(api));
        using var spoofer = AppendingProxy.ClientFrom("127.0.0.5", proxy.BaseAddress);

        var answers = await SendAsync(spoofer, 6 * Burst, spoof: true);

        Assert.Equal(Burst, answers.Count(s => s != HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Should_count_everyone_behind_an_untrusted_proxy_as_the_proxy_itself()
    {
        // Why the setting matters: without it, the proxy is the only client the API sees.
        await using var api = StartApi(trustedNetworks: null);
        await using var proxy = await AppendingProxy.StartAsync(BaseAddressOf(api));
        using var a = AppendingProxy.ClientFrom("127.0.0.2", proxy.BaseAddress);
        using var b = AppendingProxy.ClientFrom("127.0.0.3", proxy.BaseAddress);

        await SendAsync(a, 3 * Burst);
        var firstOfB = await b.GetAsync(Probe);

        Assert.Equal(HttpStatusCode.TooManyRequests, firstOfB.StatusCode);
    }

    [Theory]
    [InlineData("not-a-network")]
    [InlineData("0.0.0.0/0")]
    [InlineData("10.0.0.0/8,::/0")]
    public void Should_stop_start_up_on_a_network_that_is_malformed_or_trusts_everyone(string networks)
    {
        using var factory = new EmbeddedApiFactory().WithSetting("ForwardedHeaders:KnownNetworks", networks);

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ForwardedHeaders__KnownNetworks", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_the_framework_switch_that_trusts_every_forwarded_header()
    {
        using var factory = new EmbeddedApiFactory().WithSetting("FORWARDEDHEADERS_ENABLED", "true");

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ForwardedHeaders__KnownNetworks", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    public void Should_count_an_ipv6_client_by_its_64_and_a_mapped_ipv4_client_by_its_address(string one, string other, bool same)
    {
        var a = EventDriven.Producers.Http.ClientPartition.Of(IPAddress.Parse(one));
        var b = EventDriven.Producers.Http.ClientPartition.Of(IPAddress.Parse(other));

        Assert.Equal(same, a == b);
    }

    private static readonly Uri Probe = new("/postcode/QQ1", UriKind.Relative);

    private static EmbeddedApiFactory StartApi(string? trustedNetworks)
    {
        var factory = new EmbeddedApiFactory()
            .WithSetting("RateLimiting:PermitsPerSecond", "1")
            .WithSetting("RateLimiting:Burst", Burst.ToString(CultureInfo.InvariantCulture))
            .WithSetting("ForwardedHeaders:KnownNetworks", trustedNetworks);
        factory.UseKestrel(0);
        factory.StartServer();
        return factory;
    }

    private static Uri BaseAddressOf(EmbeddedApiFactory api)
    {
        using var client = api.CreateClient();
        return new Uri($"http://127.0.0.1:{client.BaseAddress!.Port.ToString(CultureInfo.InvariantCulture)}/");
    }

    /// <summary>
    /// Sends <paramref name="count"/> cheap requests (an invalid postcode: 400 within the budget) back to back, faster
    /// than the one permit a second refills; with <paramref name="spoof"/> each claims another forwarded address.
    /// </summary>
    private static async Task<List<HttpStatusCode>> SendAsync(HttpClient client, int count, bool spoof = false)
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Probe);
            if (spoof)
            {
                request.Headers.Add("X-Forwarded-For", $"203.0.113.{i % 250}");
            }

            using var response = await client.SendAsync(request);
            answers.Add(response.StatusCode);
        }

        return answers;
    }
}
