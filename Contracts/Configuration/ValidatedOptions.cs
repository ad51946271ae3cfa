using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EventDriven.Contracts.Configuration;

/// <summary>
/// The one way every options class is bound and validated: data annotations on the class (nested objects marked
/// <c>[ValidateObjectMembers]</c>, rules across values in <c>IValidatableObject</c>), checked by a source-generated
/// <c>[OptionsValidator]</c>, at start-up (<c>ValidateOnStart</c>) and on first use where there is no host (CLI, Lambda).
/// Failures name the key in its environment-variable form, e.g. <c>Bus__RabbitMq__PrefetchCount</c>.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(
        this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        // One validator per options type however often a composition registers it.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section, new TValidator())));
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>The environment-variable form of a configuration path: <c>Bus:RabbitMq:Port</c> → <c>Bus__RabbitMq__Port</c>.</summary>
    public static string EnvironmentKey(string path) => path.Replace(":", "__", StringComparison.Ordinal).Replace(".", "__", StringComparison.Ordinal);

    /// <summary>
    /// Runs the generated validator with the section as the options' display name, so its messages say
    /// <c>Bus.RabbitMq.PrefetchCount</c>, then writes that path as the key an operator sets.
    /// </summary>
    private sealed class SectionValidator<TOptions>(string section, IValidateOptions<TOptions> generated) : IValidateOptions<TOptions>
        where TOptions : class
    {
        private readonly Regex _path = new($@"\b{Regex.Escape(section)}(\.[A-Za-z_][A-Za-z0-9_]*)+\b", RegexOptions.CultureInvariant);

        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var result = generated.Validate(string.IsNullOrEmpty(name) ? section : name, options);
            return result.Failed
                ? ValidateOptionsResult.Fail(result.Failures!.Select(failure => _path.Replace(failure, match => EnvironmentKey(match.Value))))
                : result;
        }
    }
}
