using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EventDriven.Hosting.Operations;

public static class OperationsExtensions
{
    /// <summary>
    /// What operators use, over the stores (history, audit, replay jobs) and the dead letters the process already has:
    /// failure groups, stuck lookups, replays, purges. <see cref="LookupRedriver"/> also needs the bus.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReplaySettings>();
        services.TryAddSingleton<ReplayRunner>();
        services.TryAddSingleton<DeadLetterGroups>();
        services.TryAddSingleton<DeadLetterPurger>();
        services.TryAddSingleton<StuckLookups>();
        services.TryAddScoped<LookupRedriver>();
        return services;
    }

    /// <summary>Drives replays nobody drives (see <see cref="ReplayJobHost"/>): for processes that can reach the broker's dead letters.</summary>
    public static IServiceCollection AddReplayDriving(this IServiceCollection services)
    {
        services.AddOperations();
        services.AddHostedService<ReplayJobHost>();
        return services;
    }
}
