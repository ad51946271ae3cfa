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
    [InlineData("JE2 4ST", "Channel Islands")] // postcodes.io issue #310
    [InlineData("GY1 1AA", "Channel Islands")] // postcodes.io issue #426
    [InlineData("IM1 1AD", "Isle of Man")]
    public async Task Should_know_the_crown_dependencies_without_coordinates(string postcode, string country)
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse(postcode), CancellationToken.None);

        var found = Assert.IsType<GeocodeResult.Found>(result);
        Assert.Equal(country, found.Country);
        Assert.Null(found.Latitude);
        Assert.Null(found.Longitude);
    }

    [Fact]
    public async Task Should_read_the_police_force_area()
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A 1AA"), CancellationToken.None);

        Assert.Equal("Metropolitan Police", Assert.IsType<GeocodeResult.Found>(result).ForceArea);
    }

    [Fact]
    public async Task Should_say_when_a_terminated_postcode_ended()
    {
        var result = await _host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A 7ZZ"), CancellationToken.None);

        var notFound = Assert.IsType<GeocodeResult.NotFound>(result);
        Assert.Equal(new DateOnly(SyntheticGeography.TerminatedYear, SyntheticGeography.TerminatedMonth, 1), notFound.TerminatedIn);
        Assert.Equal("Terminated in June 2015: the postcode is no longer in use.", notFound.Reason);
    }

    [Fact]
    public async Task Should_never_take_resource_not_found_for_an_unknown_postcode()
    {
        // A base URL with a wrong path reaches postcodes.io's "Resource not found", which says nothing about the postcode.
        using var host = new UpstreamTestHost(new Dictionary<string, string?> { ["Upstreams:PostcodesIo:BaseUrl"] = "https://api.postcodes.io/v9/" });

        var error = await Assert.ThrowsAsync<UpstreamException>(() => host.PostcodesIo.GeocodeAsync(Postcode.Parse("SW1A 1AA"), CancellationToken.None));

        Assert.Contains("Resource not found", error.Message, StringComparison.Ordinal);
        Assert.Contains("Upstreams__PostcodesIo__BaseUrl", error.Message, StringComparison.Ordinal);
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
