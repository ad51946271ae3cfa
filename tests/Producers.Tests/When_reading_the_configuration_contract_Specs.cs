using System.Reflection;
using EventDriven.Contracts;
using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using EventDriven.Producers.Admin;
using EventDriven.Producers.Http;
using EventDriven.Workers.Upstreams;

namespace EventDriven.Producers.Tests;

/// <summary>
/// <see cref="ConfigurationKeys"/> is the contract the CloudFormation templates are checked against; this checks the
/// other side: every key names a writable property of the options class that binds its section.
/// </summary>
public sealed class When_reading_the_configuration_contract_Specs
{
    private static readonly Dictionary<string, Type> OptionsBySection = new(StringComparer.Ordinal)
    {
        [BusOptions.SectionName] = typeof(BusOptions),
        [PersistenceOptions.SectionName] = typeof(PersistenceOptions),
        [UpstreamOptions.SectionName] = typeof(UpstreamOptions),
        [AdminOptions.SectionName] = typeof(AdminOptions),
        [TrustedProxyOptions.SectionName] = typeof(TrustedProxyOptions),
    };

    public static TheoryData<string> Keys => new(ConfigurationKeys.All);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Should_bind_every_contract_key_to_an_options_property(string key)
    {
        var path = key.Split("__");
        Assert.True(OptionsBySection.TryGetValue(path[0], out var type), $"{key}: no options class binds the section '{path[0]}'");

        foreach (var name in path[1..])
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property is not null, $"{key}: {type.Name} has no property '{name}'");
            Assert.True(property.CanWrite || !property.PropertyType.IsValueType, $"{key}: {type.Name}.{name} cannot be bound");
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }
    }
}
