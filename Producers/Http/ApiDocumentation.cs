using System.ComponentModel.DataAnnotations;
using EventDriven.Contracts.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace EventDriven.Producers.Http;

/// <summary>
/// Configuration section <c>OpenApi</c>: whether <c>/openapi/v1.json</c> and <c>/scalar</c> are served, and the server
/// URL the document names.
/// </summary>
public sealed class ApiDocumentationOptions : IValidatableObject
{
    public const string SectionName = "OpenApi";

    /// <summary>Serve the OpenAPI document and the Scalar UI. Unset: only in the Development environment (<c>dotnet run</c>).</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// The absolute base URL the document gives as its server (e.g. the public API's). Unset: no server, so clients use
    /// the document's own location; never taken from the request's Host header, which the caller chooses.
    /// </summary>
    public string? ServerUrl { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ServerUrl) &&
            !(Uri.TryCreate(ServerUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            yield return new ValidationResult($"OpenApi__ServerUrl '{ServerUrl}' is not an absolute http(s) URL.", [nameof(ServerUrl)]);
        }
    }
}

/// <summary>Checks <see cref="ApiDocumentationOptions"/>' annotations (generated at compile time).</summary>
[OptionsValidator]
public sealed partial class ApiDocumentationOptionsValidator : IValidateOptions<ApiDocumentationOptions>;

public static class ApiDocumentation
{
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiDocumentationOptions, ApiDocumentationOptionsValidator>(configuration, ApiDocumentationOptions.SectionName);
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, context, _) =>
        {
            var options = context.ApplicationServices.GetRequiredService<IOptions<ApiDocumentationOptions>>().Value;
            document.Servers = string.IsNullOrWhiteSpace(options.ServerUrl) ? [] : [new OpenApiServer { Url = options.ServerUrl }];

            // HEAD answers like GET (HeadRequests); the document describes each operation once, as its GET.
            foreach (var path in document.Paths.Values.OfType<OpenApiPathItem>())
            {
                path.Operations?.Remove(HttpMethod.Head);
            }

            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The document and the UI, when <see cref="ApiDocumentationOptions.Enabled"/> (or, unset, in Development).</summary>
    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ApiDocumentationOptions>>().Value;
        if (options.Enabled ?? app.Environment.IsDevelopment())
        {
            app.MapOpenApi().AnswerHeadLikeGet();
            app.MapScalarApiReference().AnswerHeadLikeGet();
        }

        return app;
    }
}
