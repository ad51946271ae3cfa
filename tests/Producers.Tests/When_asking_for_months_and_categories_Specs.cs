using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace EventDriven.Producers.Tests;

/// <summary>
/// <c>?month=</c>, <c>?months=</c> and <c>?category=</c>: resolved against what the police list, validated with a 400
/// that names what is valid, each (key, month) fetched once, a category filtered from the stored months.
/// </summary>
public sealed class When_asking_for_months_and_categories_Specs(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private IReadOnlyList<string> Months => factory.Simulator.AvailableMonths();

    [Fact]
    public async Task Should_answer_the_newest_months_with_a_trend_newest_first()
    {
        var result = await CompleteAsync("/postcode/LE1%205WW?months=3", expectedQuery: "?months=3");

        var months = result.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(Months.Take(3), months.Select(m => m.GetProperty("month").GetString()));
        Assert.Equal(Months[0], result.GetProperty("month").GetString());
        Assert.Equal(months.Sum(m => m.GetProperty("totalCrimes").GetInt32()), result.GetProperty("totalCrimes").GetInt32());
        Assert.Equal(result.GetProperty("totalCrimes").GetInt32(), result.GetProperty("crimes").GetArrayLength());
        Assert.All(months, m => Assert.Equal(
            m.GetProperty("totalCrimes").GetInt32(), m.GetProperty("byCategory").EnumerateObject().Sum(c => c.Value.GetInt32())));
        Assert.All(result.GetProperty("crimes").EnumerateArray(), c => Assert.Contains(c.GetProperty("month").GetString(), Months.Take(3)));
        // The simulator serves different data for each month.
        Assert.True(months.Select(m => m.GetProperty("totalCrimes").GetInt32()).Distinct().Count() > 1 ||
                    months.Select(m => m.GetProperty("byCategory").GetRawText()).Distinct().Count() > 1);
    }

    [Fact]
    public async Task Should_fetch_each_key_and_month_once_and_answer_any_selection_of_them_from_the_store()
    {
        await CompleteAsync("/postcode/M1%201AE?months=3", expectedQuery: "?months=3");
        var crimesCalls = factory.Simulator.Stats.CrimesRequests;

        foreach (var path in new[] { "/postcode/M1%201AE", $"/postcode/M1%201AE?month={Months[2]}", "/postcode/M1%201AE?months=2", "/postcode/M1%201AE?months=3&category=drugs" })
        {
            var response = await _client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        }

        var oneMonth = await _client.GetFromJsonAsync<JsonElement>($"/postcode/M1%201AE?month={Months[2]}");
        Assert.Equal(Months[2], oneMonth.GetProperty("month").GetString());
        Assert.Equal([Months[2]], oneMonth.GetProperty("months").EnumerateArray().Select(m => m.GetProperty("month").GetString()));
        Assert.Equal(crimesCalls, factory.Simulator.Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_fetch_only_the_months_a_later_request_adds()
    {
        await CompleteAsync("/postcode/CF10%201EP", expectedQuery: "");
        var before = factory.Simulator.Stats.CrimesRequests;

        // The point is known: the new attempt goes straight to the crimes, and the 202 says so.
        var accepted = await _client.GetAsync("/postcode/CF10%201EP?months=4");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("FetchingCrimes", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await CompleteAsync("/postcode/CF10%201EP?months=4", expectedQuery: "?months=4");

        Assert.Equal(before + 3, factory.Simulator.Stats.CrimesRequests);
    }

    [Fact]
    public async Task Should_filter_a_category_from_the_stored_month_without_another_police_call()
    {
        var all = await CompleteAsync("/postcode/SW1A%201AA", expectedQuery: "");
        var crimesCalls = factory.Simulator.Stats.CrimesRequests;
        var category = all.GetProperty("byCategory").EnumerateObject().First().Name;

        var response = await _client.GetAsync($"/postcode/SW1A%201AA?category={category}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var filtered = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(category, filtered.GetProperty("category").GetString());
        Assert.Equal(all.GetProperty("byCategory").GetProperty(category).GetInt32(), filtered.GetProperty("totalCrimes").GetInt32());
        Assert.All(filtered.GetProperty("crimes").EnumerateArray(), c => Assert.Equal(category, c.GetProperty("category").GetString()));
        Assert.Equal([category], filtered.GetProperty("byCategory").EnumerateObject().Select(c => c.Name));
        Assert.Equal(crimesCalls, factory.Simulator.Stats.CrimesRequests);

        // "all-crime" is the police's category for everything: the whole result.
        var everything = await _client.GetFromJsonAsync<JsonElement>("/postcode/SW1A%201AA?category=ALL-CRIME");
        Assert.Equal(all.GetProperty("totalCrimes").GetInt32(), everything.GetProperty("totalCrimes").GetInt32());
    }

    [Fact]
    public async Task Should_keep_what_the_police_data_says_about_each_crime_and_the_force_area()
    {
        var result = await CompleteAsync("/postcode/SW1A%201AA", expectedQuery: "");

        Assert.Equal("Metropolitan Police", result.GetProperty("policeForceArea").GetString());
        var crime = result.GetProperty("crimes").EnumerateArray().First();
        Assert.Contains(crime.GetProperty("locationType").GetString(), new[] { "Force", "BTP" });
        Assert.Equal(JsonValueKind.Number, crime.GetProperty("streetId").ValueKind);
        Assert.True(crime.TryGetProperty("locationSubtype", out _));
        Assert.True(crime.TryGetProperty("context", out _));
        Assert.Equal(factory.Simulator.Publication.LastUpdated, result.GetProperty("policeLastUpdated").GetString());
    }

    [Fact]
    public async Task Should_refuse_a_month_the_police_do_not_list_naming_the_months_available()
    {
        var problem = await BadRequestAsync("/postcode/SW1A%201AA?month=1999-01");

        Assert.Contains("1999-01", problem.GetProperty("detail").GetString());
        Assert.Contains(Months[0], problem.GetProperty("detail").GetString());
        Assert.Equal(Months, problem.GetProperty("availableMonths").EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("?month=2026-13", "YYYY-MM")]
    [InlineData("?month=sept", "YYYY-MM")]
    [InlineData("?months=0", "1 to 12")]
    [InlineData("?months=13", "1 to 12")]
    [InlineData("?months=abc", "1 to 12")]
    [InlineData("?months=1.5", "1 to 12")]
    [InlineData("?months=-1", "1 to 12")]
    [InlineData("?month=2026-09&months=2", "not both")]
    [InlineData("?months=2&months=3", "at most once")]
    [InlineData("?category=burglary&category=drugs", "at most once")]
    public async Task Should_refuse_a_bad_selection_saying_what_is_valid(string query, string expected)
    {
        var problem = await BadRequestAsync("/postcode/SW1A%201AA" + query);

        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_category_naming_the_valid_ones()
    {
        var problem = await BadRequestAsync("/coordinates?latitude=52.6297&longitude=-1.1316&category=jaywalking");

        Assert.Contains("jaywalking", problem.GetProperty("detail").GetString());
        Assert.Contains("burglary", problem.GetProperty("detail").GetString());
        var valid = problem.GetProperty("validCategories").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("burglary", valid);
        Assert.Contains("violent-crime", valid);
    }

    private async Task<JsonElement> BadRequestAsync(string path)
    {
        var response = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Asks until the lookup has the selection, checking the 202's status URL carries it, then returns the 200 body.</summary>
    private async Task<JsonElement> CompleteAsync(string path, string expectedQuery)
    {
        var first = await _client.GetAsync(path);
        if (first.StatusCode == HttpStatusCode.Accepted)
        {
            var location = first.Headers.Location!.OriginalString;
            Assert.EndsWith(expectedQuery, location, StringComparison.Ordinal);
            var finished = await _client.UntilFinishedAsync(location);
            Assert.Equal("Completed", finished.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Object, finished.GetProperty("result").ValueKind);
        }

        var answer = await _client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }
}
