using System.ComponentModel.DataAnnotations;
using System.Net;
using EventDriven.Contracts;
using EventDriven.Contracts.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Http;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the networks of the proxies in front of the API whose
/// <c>X-Forwarded-For</c> entries are believed. On AWS that is the VPC's range (API Gateway's VPC link, the NLB and
/// the ALB all connect from inside it); locally, a proxy's address as a /32.
/// </summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Comma-separated CIDR ranges, e.g. <c>10.10.0.0/16</c>. Unset: no proxy is trusted and the connecting address is the client.</summary>
    public string? KnownNetworks { get; set; }

    public IReadOnlyList<IPNetwork> Networks =>
        (KnownNetworks ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => IPNetwork.TryParse(text, out var network) ? network : (IPNetwork?)null)
            .OfType<IPNetwork>()
            .ToList();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var text in (KnownNetworks ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPNetwork.TryParse(text, out var network))
            {
                yield return new ValidationResult(
                    $"{ConfigurationKeys.ForwardedHeadersKnownNetworks} holds '{text}', which is not a network in CIDR form (e.g. 10.10.0.0/16, 127.0.0.1/32).",
                    [nameof(KnownNetworks)]);
            }
            else if (network.PrefixLength == 0)
            {
                yield return new ValidationResult(
                    $"{ConfigurationKeys.ForwardedHeadersKnownNetworks} holds '{text}', which trusts every address: anyone could then choose the client address the rate limits count.",
                    [nameof(KnownNetworks)]);
            }
        }
    }
}

/// <summary>Checks <see cref="TrustedProxyOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class TrustedProxyOptionsValidator : IValidateOptions<TrustedProxyOptions>;

/// <summary>
/// ASP.NET Core's forwarded-headers middleware, believing only the configured proxies. It reads
/// <c>X-Forwarded-For</c> from the right, one hop per trusted proxy, and stops at the first address no trusted proxy
/// stands behind: that is the client, whatever the client wrote further left. Every per-client budget
/// (<see cref="ClientPartition"/>) counts that address.
/// </summary>
public static class TrustedProxies
{
    /// <summary>ASP.NET Core's own switch (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>), as the host reads it.</summary>
    private const string FrameworkSwitch = "FORWARDEDHEADERS_ENABLED";

    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetValue<bool>(FrameworkSwitch))
        {
            // That switch trusts X-Forwarded-For from any address: every caller could pick the address it is counted as.
            throw new InvalidOperationException(
                $"ASPNETCORE_{FrameworkSwitch}=true believes X-Forwarded-For from anyone, so any caller could choose the address its rate limits count. " +
                $"Remove it and set {ConfigurationKeys.ForwardedHeadersKnownNetworks} to the proxies' networks (on AWS the VPC's CIDR).");
        }

        services.AddValidatedOptions<TrustedProxyOptions, TrustedProxyOptionsValidator>(configuration, TrustedProxyOptions.SectionName);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in trusted.Value.Networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }

            // As many hops as there are trusted proxies (API Gateway -> NLB -> ALB): the walk stops at the first
            // address outside the trusted networks, so no limit is needed to keep a client's own entries out.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>First in the pipeline, so logs, limits and endpoints all see the client's address. Nothing without trusted networks.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        // With no known network the middleware would believe everyone (its rule for empty lists): never run it so.
        return app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Networks.Count > 0
            ? app.UseForwardedHeaders()
            : app;
    }
}
