using EventDriven.Contracts.Configuration;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Functions.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Functions.LocalScheduler;

public static class LocalSchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Embedded mode: runs the scheduled functions in this process on the schedules of cloudformation/functions.yaml.
    /// The Scottish-postcode function always; the snapshot function only with <c>Functions:Snapshot:EnableLocally=true</c>.
    /// Needs <c>AddLookupPersistence</c> (ILookupStateReader, IUnsupportedPostcodeRegistry) to be registered too.
    /// </summary>
    public static IServiceCollection AddLocalFunctionScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(LocalSchedulerOptions.SectionName).Get<LocalSchedulerOptions>() ?? new LocalSchedulerOptions();
        services.AddValidatedOptions<LocalSchedulerOptions, LocalSchedulerOptionsValidator>(configuration, LocalSchedulerOptions.SectionName);

        services.AddScottishPostcodeFunction(configuration);
        if (options.Snapshot.EnableLocally)
        {
            services.AddSnapshotFunction(configuration);
        }

        services.TryAddSingleton<LocalSchedulerStatus>();
        services.AddHostedService<LocalFunctionScheduler>();
        return services;
    }
}
