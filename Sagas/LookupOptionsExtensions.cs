using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EventDriven.Sagas;

public static class LookupOptionsExtensions
{
    /// <summary>Binds and validates <see cref="LookupOptions"/> (section <c>Lookups</c>): the saga, the workers and the API read it.</summary>
    public static IServiceCollection AddLookupOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LookupOptions, LookupOptionsValidator>(configuration, LookupOptions.SectionName);
        return services;
    }
}
