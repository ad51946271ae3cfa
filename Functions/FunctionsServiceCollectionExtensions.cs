using Amazon.EC2;
using Amazon.S3;
using EventDriven.Functions.Hosting;
using EventDriven.Functions.LocalScheduler;
using EventDriven.Functions.ScottishPostcodes;
using EventDriven.Functions.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Embedded mode: runs the scheduled functions in this process on the schedules of cloudformation/functions.yaml.
    /// The Scottish-postcode function always; the snapshot function only with <c>Functions:Snapshot:EnableLocally=true</c>.
    /// Needs <c>AddLookupPersistence</c> (ILookupStateReader, IUnsupportedPostcodeRegistry) to be registered too.
    /// </summary>
    public static IServiceCollection AddLocalFunctionScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LocalSchedulerOptions.SectionName);
        var options = section.Get<LocalSchedulerOptions>() ?? new LocalSchedulerOptions();
        services.AddOptions<LocalSchedulerOptions>().Bind(section);

        services.AddScottishPostcodeFunction(configuration);
        if (options.Snapshot.EnableLocally)
        {
            services.AddSnapshotFunction(configuration);
        }

        services.TryAddSingleton<LocalSchedulerStatus>();
        services.AddHostedService<LocalFunctionScheduler>();
        return services;
    }

    /// <summary>The Scottish-postcode function and its options (section <c>ScottishPostcodes</c>).</summary>
    public static IServiceCollection AddScottishPostcodeFunction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScottishPostcodeOptions>()
            .Bind(configuration.GetSection(ScottishPostcodeOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // A factory, not type activation: the class also has the parameterless constructor the Lambda runtime uses.
        services.TryAddSingleton(sp => new ScottishPostcodeFunction(
            sp.GetRequiredService<Persistence.ILookupStateReader>(),
            sp.GetRequiredService<Persistence.IUnsupportedPostcodeRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ScottishPostcodeOptions>>(),
            sp.GetRequiredService<ILogger<ScottishPostcodeFunction>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScheduledFunction, ScottishPostcodeFunction>(sp => sp.GetRequiredService<ScottishPostcodeFunction>()));
        return services;
    }

    /// <summary>
    /// The snapshot function and its options (section <c>Snapshot</c>). EC2 and S3 clients come from the AWS SDK's default
    /// credential and region chain unless an <see cref="IAmazonEC2"/> / <see cref="IAmazonS3"/> is registered already.
    /// </summary>
    public static IServiceCollection AddSnapshotFunction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SnapshotOptions>()
            .Bind(configuration.GetSection(SnapshotOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAmazonEC2>(_ => new AmazonEC2Client());
        services.TryAddSingleton<IAmazonS3>(_ => new AmazonS3Client());
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SnapshotOptions>>();
            return new SnapshotFunction(
                sp.GetRequiredService<IAmazonEC2>(),
                string.IsNullOrWhiteSpace(options.Value.ReportBucket) ? null : sp.GetRequiredService<IAmazonS3>(),
                sp.GetRequiredService<TimeProvider>(),
                options,
                sp.GetRequiredService<ILogger<SnapshotFunction>>());
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScheduledFunction, SnapshotFunction>(sp => sp.GetRequiredService<SnapshotFunction>()));
        return services;
    }
}
