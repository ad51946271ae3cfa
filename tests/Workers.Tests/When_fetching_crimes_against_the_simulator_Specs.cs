using EventDriven.Simulator;
using EventDriven.Workers.Upstreams;

namespace EventDriven.Workers.Tests;

public sealed class When_fetching_crimes_against_the_simulator_Specs : IDisposable
{
    private readonly UpstreamTestHost _host = new();

    [Fact]
    public async Task Should_read_what_the_police_published()
    {
        var lastUpdated = await _host.Police.GetCrimeLastUpdatedAsync(CancellationToken.None);
        var months = await _host.Police.GetMonthsAsync(CancellationToken.None);
        var categories = await _host.Police.GetCategoriesAsync(months[0], CancellationToken.None);

        Assert.Equal(_host.Simulator.Publication.LastUpdated, lastUpdated);
        Assert.Equal(_host.Simulator.AvailableMonths(), months);
        Assert.Equal(months.OrderDescending(StringComparer.Ordinal), months);
        Assert.Contains(categories, c => c is { Url: "burglary", Name: "Burglary" });
        Assert.Contains(categories, c => c.Url == "all-crime");
        Assert.Equal(3, _host.Simulator.Stats.PublicationRequests);
    }

    [Fact]
    public async Task Should_see_a_new_month_and_a_data_update_move_the_publication()
    {
        var before = await _host.Police.GetCrimeLastUpdatedAsync(CancellationToken.None);
        var newestBefore = (await _host.Police.GetMonthsAsync(CancellationToken.None))[0];

        _host.Simulator.Publication.UpdateData();
        var updated = await _host.Police.GetCrimeLastUpdatedAsync(CancellationToken.None);
        Assert.NotEqual(before, updated);
        Assert.Equal(newestBefore, (await _host.Police.GetMonthsAsync(CancellationToken.None))[0]);

        _host.Simulator.Publication.PublishMonth();
        var months = await _host.Police.GetMonthsAsync(CancellationToken.None);
        Assert.NotEqual(updated, await _host.Police.GetCrimeLastUpdatedAsync(CancellationToken.None));
        Assert.Equal(newestBefore, months[1]);
        Assert.True(string.CompareOrdinal(months[0], newestBefore) > 0);
    }

    [Fact]
    public async Task Should_serve_different_crimes_for_different_months()
    {
        var months = await _host.Police.GetMonthsAsync(CancellationToken.None);

        var newest = Assert.IsType<CrimeFetchOutcome.Fetched>(await _host.Fetcher.FetchAsync(52.629729, -1.131592, months[0], requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None));
        var older = Assert.IsType<CrimeFetchOutcome.Fetched>(await _host.Fetcher.FetchAsync(52.629729, -1.131592, months[1], requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None));

        Assert.All(newest.Crimes, c => Assert.Equal(months[0], c.Month));
        Assert.All(older.Crimes, c => Assert.Equal(months[1], c.Month));
        Assert.NotEqual(newest.Crimes.Select(c => c.Id), older.Crimes.Select(c => c.Id));
    }

    [Fact]
    public async Task Should_keep_location_type_subtype_street_id_and_context()
    {
        var months = await _host.Police.GetMonthsAsync(CancellationToken.None);

        // A dense area: thousands of crimes, so the rarer shapes (BTP, context) all occur.
        var dense = SyntheticCrimes.Dense;
        var fetched = Assert.IsType<CrimeFetchOutcome.Fetched>(await _host.Fetcher.FetchAsync(dense.Latitude, dense.Longitude, months[0], requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None));

        Assert.All(fetched.Crimes, c => Assert.True(c.LocationType is "Force" or "BTP", $"location type {c.LocationType}"));
        Assert.All(fetched.Crimes, c => Assert.NotNull(c.StreetId));
        // British Transport Police crimes say what kind of place; force crimes have no subtype ("" upstream becomes null).
        Assert.Contains(fetched.Crimes, c => c is { LocationType: "BTP", LocationSubtype: "LU STATION" });
        Assert.All(fetched.Crimes.Where(c => c.LocationType == "Force"), c => Assert.Null(c.LocationSubtype));
        Assert.Contains(fetched.Crimes, c => c.Context is { Length: > 0 });
        Assert.DoesNotContain(fetched.Crimes, c => c.Context == string.Empty);
    }

    [Fact]
    public async Task Should_turn_string_coordinates_and_nullable_outcomes_into_numbers_and_nulls()
    {
        var month = (await _host.Police.GetMonthsAsync(CancellationToken.None))[0];

        var outcome = await _host.Fetcher.FetchAsync(52.629729, -1.131592, month, requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None);

        var fetched = Assert.IsType<CrimeFetchOutcome.Fetched>(outcome);
        Assert.NotEmpty(fetched.Crimes);
        Assert.All(fetched.Crimes, crime =>
        {
            Assert.InRange(crime.Latitude, 52.60, 52.66);
            Assert.InRange(crime.Longitude, -1.17, -1.09);
            Assert.Equal(month, crime.Month);
        });
        Assert.Contains(fetched.Crimes, c => c.Outcome is null);
        Assert.Contains(fetched.Crimes, c => c.Outcome is not null);
        // Anti-social behaviour has an empty persistent id upstream: it becomes null, not "".
        Assert.DoesNotContain(fetched.Crimes, c => c.PersistentId == string.Empty);
        Assert.Equal(1, fetched.Requests);
        Assert.True(fetched.Simulated);
    }

    [Fact]
    public async Task Should_split_an_area_with_more_than_ten_thousand_crimes_into_polygons()
    {
        var month = (await _host.Police.GetMonthsAsync(CancellationToken.None))[0];
        var dense = SyntheticCrimes.Dense;

        var outcome = await _host.Fetcher.FetchAsync(dense.Latitude, dense.Longitude, month, requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None);

        var fetched = Assert.IsType<CrimeFetchOutcome.Fetched>(outcome);
        Assert.True(fetched.Crimes.Count > SyntheticCrimes.MaxCrimesPerQuery * 0.9, $"only {fetched.Crimes.Count} crimes");
        Assert.Equal(fetched.Crimes.Count, fetched.Crimes.Select(c => c.Id).Distinct().Count());
        Assert.Equal(1 + 4, fetched.Requests);
        Assert.Equal(1, _host.Simulator.Stats.TooManyCrimes);
    }

    [Fact]
    public async Task Should_give_up_with_a_reason_when_even_the_smallest_sectors_are_too_dense()
    {
        var month = (await _host.Police.GetMonthsAsync(CancellationToken.None))[0];
        var extreme = SyntheticCrimes.Extreme;

        var outcome = await _host.Fetcher.FetchAsync(extreme.Latitude, extreme.Longitude, month, requestedBy: null, PoliceBudgetLane.Live, CancellationToken.None);

        var tooDense = Assert.IsType<CrimeFetchOutcome.TooDense>(outcome);
        Assert.Contains("10,000", tooDense.Reason);
        // 503 is an answer, not a failure: it is never retried.
        Assert.Equal(tooDense.Requests, _host.Simulator.Stats.TooManyCrimes);
    }

    [Fact]
    public void Should_build_sectors_within_a_mile_of_the_centre()
    {
        var polygon = CrimeFetcher.SectorPolygon(52.0, -1.0, (0, 90));

        Assert.Equal((52.0, -1.0), polygon[0]);
        foreach (var (lat, lng) in polygon.Skip(1))
        {
            var km = SyntheticCrimes_DistanceKm(52.0, -1.0, lat, lng);
            Assert.InRange(km, 1.60, 1.62);
            Assert.True(lat >= 52.0 - 1e-9 && lng >= -1.0 - 1e-9, "first quadrant is north-east");
        }
    }

    private static double SyntheticCrimes_DistanceKm(double lat1, double lng1, double lat2, double lng2)
    {
        var dLat = (lat2 - lat1) * Math.PI / 180;
        var dLng = (lng2 - lng1) * Math.PI / 180 * Math.Cos((lat1 + lat2) / 2 * Math.PI / 180);
        return 6371.0 * Math.Sqrt((dLat * dLat) + (dLng * dLng));
    }

    public void Dispose() => _host.Dispose();
}
