using EventDriven.Producers.Http;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>
/// Guards <c>/admin/*</c>: 401 without <c>X-Api-Key</c>, 403 with a wrong one, 403 for everyone while no key
/// (<c>Admin__ApiKey</c>, <c>Admin__Keys__NAME</c>) is set. The comparison is constant-time over SHA-256 digests, so
/// neither the key's content nor its length leaks through timing. The key's operator becomes the request's user
/// (<see cref="AdminOperators"/>).
/// </summary>
internal sealed class ApiKeyFilter(IOptionsMonitor<AdminOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var admin = options.CurrentValue;
        if (!admin.AnyKey)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Admin endpoints disabled", "Set Admin__ApiKey (or named keys Admin__Keys__NAME) to enable the admin endpoints.");
        }

        var given = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(given))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, "API key required", $"Send the admin API key in the {HeaderName} header.");
        }

        if (AdminOperators.Find(admin, given) is not { } name)
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Wrong API key", $"The {HeaderName} header does not hold an admin API key.");
        }

        context.HttpContext.User = AdminOperators.Principal(name);
        return await next(context);
    }
}
