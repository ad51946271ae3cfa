using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using EventDriven.Contracts.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Tests;

/// <summary>
/// Every numeric option of every options class the processes bind, found by reflection (a new option is covered
/// without touching this file): just past its range, it stops the embedded process's start-up with a message naming
/// its key in environment-variable form.
/// </summary>
public sealed class When_a_numeric_option_is_out_of_range_Specs
{
    private static readonly Type[] Numeric =
    [
        typeof(int), typeof(long), typeof(short), typeof(ushort), typeof(uint), typeof(double), typeof(float), typeof(decimal), typeof(TimeSpan),
    ];

    public static TheoryData<string, string> OutOfRange()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, value) in NumericOptions().Select(o => (o.Key, BadValue(o.Key, o.Property))))
        {
            data.Add(key, value);
        }

        return data;
    }

    [Fact]
    public void Should_find_the_options_of_every_library()
    {
        var keys = NumericOptions().Select(o => o.Key).ToList();

        // One from each options class, so a class the discovery misses shows up here.
        Assert.Contains("Bus__RabbitMq__PrefetchCount", keys);
        Assert.Contains("Bus__RabbitMq__Port", keys);
        Assert.Contains("Persistence__DynamoDb__TablePrefix", NumericOptions(includeText: true).Select(o => o.Key));
        Assert.Contains("Upstreams__PoliceApi__RequestsPerSecond", keys);
        Assert.Contains("Lookups__StuckAfter", keys);
        Assert.Contains("Workers__ShutdownTimeout", keys);
        Assert.Contains("RateLimiting__Burst", keys);
        Assert.Contains("Snapshot__RetentionDays", keys);
        Assert.Contains("ScottishPostcodes__PageSize", keys);
        Assert.Contains("Simulator__PoliceBurst", keys);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task Should_stop_start_up_naming_the_key(string key, string value)
    {
        // The embedded process as Program.cs composes it, built and started here rather than through
        // WebApplicationFactory: its deferred host races a start-up that fails fast, and the test then sees an
        // ObjectDisposedException instead of the failure (dotnet/aspnetcore#38335).
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Upstreams:Simulate"] = "true",
            ["Functions:Snapshot:EnableLocally"] = "true", // binds the snapshot function's options too
            ["Logging:LogLevel:Default"] = "Warning",
            [key.Replace("__", ":", StringComparison.Ordinal)] = value,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddProducersProcess();
        // An EC2 client that needs no AWS configuration (it is never called: start-up stops first).
        builder.Services.Replace(ServiceDescriptor.Singleton<IAmazonEC2>(new AmazonEC2Client(new AnonymousAWSCredentials(), RegionEndpoint.EUWest2)));

        // Some options are read while the host is built (the saga state machine reads its own), the rest on start.
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = builder.Build();
            app.MapLookupApi();
            await app.StartAsync();
        });

        // The host reports every failed options class at once (an AggregateException of them).
        var failures = (ex is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [ex]).ToList();
        Assert.All(failures, failure => Assert.IsType<OptionsValidationException>(failure));
        Assert.Contains(failures, failure => failure.Message.Contains(key, StringComparison.Ordinal));
    }

    /// <summary>Just past the end of the option's range; an option without a range fails the test instead.</summary>
    private static string BadValue(string key, PropertyInfo property)
    {
        var range = property.GetCustomAttribute<RangeAttribute>();
        Assert.True(range is not null, $"{key} is numeric but has no [Range]: every numeric option states its bounds.");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(TimeSpan))
        {
            var maximum = TimeSpan.Parse((string)range.Maximum, CultureInfo.InvariantCulture);
            return (maximum + TimeSpan.FromDays(1)).ToString("c", CultureInfo.InvariantCulture);
        }

        var max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
        return (type == typeof(double) || type == typeof(float) ? max * 2 : max + 1).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>(environment key, property) of every numeric option (and with <paramref name="includeText"/>, the others).</summary>
    private static IEnumerable<(string Key, PropertyInfo Property)> NumericOptions(bool includeText = false)
    {
        var optionsTypes = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("EventDriven.", StringComparison.Ordinal) == true && !a.GetName().Name!.EndsWith(".Tests", StringComparison.Ordinal))
            .SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null && ValidatorOf(t.Type) is not null);

        foreach (var (type, section) in optionsTypes)
        {
            foreach (var option in Walk(type, section!, includeText))
            {
                yield return option;
            }
        }
    }

    private static IEnumerable<(string Key, PropertyInfo Property)> Walk(Type type, string path, bool includeText)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = ValidatedOptions.EnvironmentKey($"{path}:{property.Name}");
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (property.GetCustomAttribute<ValidateObjectMembersAttribute>() is not null)
            {
                foreach (var nested in Walk(valueType, key, includeText))
                {
                    yield return nested;
                }
            }
            else if (Numeric.Contains(valueType) || includeText)
            {
                yield return (key, property);
            }
        }
    }

    private static Type? ValidatorOf(Type options) => options.Assembly.GetTypes()
        .FirstOrDefault(t => typeof(IValidateOptions<>).MakeGenericType(options).IsAssignableFrom(t));

    /// <summary>Loads every library whose options the embedded process binds before the discovery looks.</summary>
    static When_a_numeric_option_is_out_of_range_Specs()
    {
        foreach (var name in new[] { "EventDriven.Hosting", "EventDriven.Persistence", "EventDriven.Sagas", "EventDriven.Workers", "EventDriven.Functions", "EventDriven.Simulator", "EventDriven.Producers" })
        {
            Assembly.Load(name);
        }
    }
}
