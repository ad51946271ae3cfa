using System.Globalization;
using System.Net;
using EventDriven.Producers.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Tests;

/// <summary>
/// The admin surface against someone without the key: the key is checked before anything else of the request is read,
/// wrong keys are counted per client and logged, and a client past its allowance is locked out.
/// </summary>
public sealed class When_someone_tries_the_admin_surface_Specs
{
    private const string Key = "test-admin-key-7f3a-0123456789abcdef";

    public static TheoryData<string, string> MalformedQueries => new()
    {
        { "GET", "/admin/lookups?state=Completed&limit=abc" },
        { "GET", "/admin/lookups?state=Completed&limit=99999999999999999999" },
        { "GET", "/admin/dead-letters?max=abc" },
        { "POST", "/admin/dead-letters/replay?dryRun=maybe" },
        { "GET", "/admin/lookups?state=Completed&pageToken=%%%not-a-token" },
        { "GET", "/admin/lookups?state=Completed&pageToken=-5" },
    };

    [Theory]
    [MemberData(nameof(MalformedQueries))]
    public async Task Should_answer_401_to_a_malformed_query_without_a_key_in_every_environment(string method, string path)
    {
        foreach (var environment in new[] { "Development", "Production" })
        {
            await using var factory = Admin(environment);
            var response = await factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{environment}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(MalformedQueries))]
    public async Task Should_answer_400_problem_json_naming_the_bad_value_with_the_key_in_every_environment(string method, string path)
    {
        foreach (var environment in new[] { "Development", "Production" })
        {
            await using var factory = Admin(environment);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add(AdminKeyAuthentication.HeaderName, Key);
            var response = await factory.CreateClient().SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{environment}: {(int)response.StatusCode} {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
            var parameter = path.Split('?')[1].Split('&').Last().Split('=')[0];
            Assert.Contains(parameter, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Should_lock_out_a_client_past_its_wrong_keys_and_log_each_attempt_and_the_lock_out()
    {
        // Over a real socket, so the client has an address.
        await using var factory = Admin("Production").WithSetting("Admin:FailedKeyAttemptsPerMinute", "5");
        factory.UseKestrel(0);
        factory.StartServer();
        var client = factory.CreateClient();

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 40; i++)
        {
            answers.Add(await SendAsync(client, $"wrong-key-{i}"));
        }

        var rightKeyWhileLockedOut = await SendAsync(client, Key);

        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.Forbidden, a.StatusCode));
        Assert.All(answers.Skip(5), a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        // Guessing stops: while locked out, the right key is refused too.
        Assert.Equal(HttpStatusCode.TooManyRequests, rightKeyWhileLockedOut.StatusCode);
        Assert.Equal("application/problem+json", rightKeyWhileLockedOut.Content.Headers.ContentType?.MediaType);
        Assert.InRange(int.Parse(rightKeyWhileLockedOut.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture), 1, 60);

        var warnings = factory.Logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.StartsWith("Admin:", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, warnings.Count(w => w.Message.Contains("wrong API key from", StringComparison.Ordinal)));
        Assert.Single(warnings, w => w.Message.Contains("is locked out after", StringComparison.Ordinal));
        // The log names the client, so an operator can act on it; 35 refusals while locked out add no warning.
        Assert.All(warnings, w => Assert.Contains("127.0.0.1", w.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_not_count_a_right_key_or_a_missing_key_against_the_client()
    {
        await using var factory = Admin("Production").WithSetting("Admin:FailedKeyAttemptsPerMinute", "1");
        var client = factory.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, Key)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/unsupported-postcodes")).StatusCode);
        }
    }

    [Theory]
    [InlineData("x")]
    [InlineData("only-thirty-one-characters-long")]
    public void Should_stop_start_up_on_a_key_shorter_than_32_characters_naming_the_key(string key)
    {
        using var factory = new EmbeddedApiFactory().WithSetting("Admin:ApiKey", key);

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var failure = Assert.IsType<OptionsValidationException>(ex is AggregateException aggregate ? aggregate.Flatten().InnerExceptions.Single() : ex);
        Assert.Contains("Admin__ApiKey must be at least 32 characters", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, failure.Message.Replace("Admin__ApiKey", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    private static EmbeddedApiFactory Admin(string environment)
    {
        var factory = new EmbeddedApiFactory().WithSetting("Admin:ApiKey", Key);
        factory.WithEnvironment(environment);
        return factory;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/unsupported-postcodes");
        request.Headers.Add(AdminKeyAuthentication.HeaderName, key);
        return await client.SendAsync(request);
    }
}
