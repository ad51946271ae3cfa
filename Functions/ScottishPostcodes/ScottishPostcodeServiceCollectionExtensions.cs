using EventDriven.Contracts.Configuration;
using EventDriven.Functions.Hosting;
using EventDriven.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventDriven.Functions.ScottishPostcodes;

public static class ScottishPostcodeServiceCollectionExtensions
{
    /// <summary>The Scottish-postcode function and its options (section <c>ScottishPostcodes</c>).</summary>
    public static IServiceCollection AddScottishPostcodeFunction(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ScottishPostcodeOptions, ScottishPostcodeOptionsValidator>(configuration, ScottishPostcodeOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        // A factory, not type activation: the class also has the parameterless constructor the Lambda runtime uses.
        services.TryAddSingleton(sp => new ScottishPostcodeFunction(
            sp.GetRequiredService<ILookupStateReader>(),
            sp.GetRequiredService<IUnsupportedPostcodeRegistry>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ScottishPostcodeOptions>>(),
            sp.GetRequiredService<ILogger<ScottishPostcodeFunction>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IScheduledFunction, ScottishPostcodeFunction>(sp => sp.GetRequiredService<ScottishPostcodeFunction>()));
        return services;
    }
}
