using EventDriven.Hosting;
using EventDriven.Hosting.Bus;
using EventDriven.Persistence;
using EventDriven.Workers;

namespace EventDriven.Consumers;

/// <summary>
/// What a Consumers process runs: the lookup workers (the saga and the geocode, crimes and unsupported-postcode
/// consumers) on RabbitMQ, with the saga and results in DynamoDB. Any number of these form the worker fleet.
/// </summary>
public static class ConsumersProcess
{
    public const string ServiceName = "eventdriven-consumers";

    public static WebApplicationBuilder AddConsumersProcess(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddServiceDefaults(ServiceName);
        builder.Services.AddLookupPersistence(configuration);
        builder.Services.AddLookupWorkers(configuration, BusRole.Workers);
        builder.Services.AddLookupBus(configuration, BusRole.Workers, bus => bus.AddLookupReceivers(configuration));
        return builder;
    }
}
