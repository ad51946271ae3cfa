using EventDriven.Contracts.Values;
using EventDriven.Simulator;
using EventDriven.Workers.Upstreams;

namespace EventDriven.Workers.Tests;

public sealed class When_geocoding_against_the_simulator_Specs : IDisposable
{
    private readonly UpstreamTestHost _host = new();

    [Fact]
    public async Task Should_return_the_point_and_country_of_a_known_postcode()
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A1AA"), CancellationToken.None);

        var found = Assert.IsType<GeocodeResult.Found>(result);
        Assert.Equal("SW1A 1AA", found.Postcode);
        Assert.Equal(51.501009, found.Latitude);
        Assert.Equal(-0.141588, found.Longitude);
        Assert.Equal("England", found.Country);
        Assert.True(found.Simulated);
    }

    [Fact]
    public async Task Should_report_postcode_not_found_from_the_404_body()
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A 9ZZ"), CancellationToken.None);

        Assert.Equal("Postcode not found", Assert.IsType<GeocodeResult.NotFound>(result).Reason);
    }

    [Fact]
    public async Task Should_keep_null_coordinates_as_null()
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("M1 8ZZ"), CancellationToken.None);

        var found = Assert.IsType<GeocodeResult.Found>(result);
        Assert.Null(found.Latitude);
        Assert.Null(found.Longitude);
    }

    [Theory]
    [InlineData("EH1 1YZ", "Scotland")]
    [InlineData("TD1 1AA", "Scotland")]
    [InlineData("TD15 1AA", "England")]
    [InlineData("CF10 1EP", "Wales")]
    [InlineData("BT1 5GS", "Northern Ireland")]
    public async Task Should_answer_the_country_the_geocoder_would(string postcode, string country)
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse(postcode), CancellationToken.None);

        Assert.Equal(country, Assert.IsType<GeocodeResult.Found>(result).Country);
    }

    [Fact]
    public async Task Should_retry_server_errors_and_then_succeed()
    {
        _host.Simulator.Faults.FailNext(3, 502);

        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A1AA"), CancellationToken.None);

        Assert.IsType<GeocodeResult.Found>(result);
        Assert.Equal(3, _host.Simulator.Stats.InjectedErrors);
        Assert.Equal(1, _host.Simulator.Stats.GeocodeRequests);
    }

    [Fact]
    public async Task Should_fail_with_a_clear_error_when_the_upstream_stays_down()
    {
        _host.Simulator.Faults.Current = new FaultSettings(TimeSpan.Zero, 0, Outage: true);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A1AA"), CancellationToken.None));

        Assert.Contains("outage", error.Message, StringComparison.OrdinalIgnoreCase);
        // The first attempt plus the configured retries, no more: no retry storm.
        Assert.Equal(5, _host.Simulator.Stats.OutageRejections);
    }

    public void Dispose() => _host.Dispose();
}
