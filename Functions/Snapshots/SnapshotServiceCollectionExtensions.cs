using Amazon.EC2;
using Amazon.S3;
using EventDriven.Contracts.Configuration;
using EventDriven.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.Snapshots;

public static class SnapshotServiceCollectionExtensions
{
    /// <summary>
    /// The snapshot function and its options (section <c>Snapshot</c>). EC2 and S3 clients come from the AWS SDK's default
    /// credential and region chain unless an <see cref="IAmazonEC2"/> / <see cref="IAmazonS3"/> is registered already.
    /// </summary>
    public static IServiceCollection AddSnapshotFunction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SnapshotOptions, SnapshotOptionsValidator>(configuration, SnapshotOptions.SectionName);
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
