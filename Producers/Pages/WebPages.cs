using Microsoft.Extensions.FileProviders;

namespace EventDriven.Producers.Pages;

/// <summary>
/// The web pages: static files from <c>Producers/wwwroot</c> (the lookup page at <c>/</c>), hand-written ES modules
/// with no build step and no external resource. Only files that exist are served: every other path goes on to the API's
/// endpoints, and an unknown one still gets the API's problem+json 404.
/// </summary>
public static class WebPages
{
    /// <summary>
    /// What a page may load: its own scripts, styles and images, and calls to this origin; no inline script or style, no
    /// framing. It also keeps a page from reaching anything off this host.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Serves the pages: <c>/</c> is <c>index.html</c>. Files are revalidated on every use (<c>no-cache</c> with their
    /// ETag), so a new build is seen at once. Put it before the rate limiter: pages do not spend the API's budget.
    /// </summary>
    public static WebApplication UseWebPages(this WebApplication app)
    {
        var files = FilesOf(app.Environment);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers["Referrer-Policy"] = "no-referrer";
                }
            },
        });
        return app;
    }

    /// <summary>
    /// The build output's copy of wwwroot (next to the assembly, whatever the content root: <c>dotnet run</c>, the
    /// built dll started from elsewhere, a test host), else the host's web root.
    /// </summary>
    private static IFileProvider FilesOf(IWebHostEnvironment environment)
    {
        var built = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return Directory.Exists(built) ? new PhysicalFileProvider(built) : environment.WebRootFileProvider;
    }
}
