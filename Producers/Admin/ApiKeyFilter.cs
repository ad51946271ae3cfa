using System.Security.Cryptography;
using System.Text;
using EventDriven.Producers.Http;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>
/// Guards <c>/admin/*</c>: 401 without <c>X-Api-Key</c>, 403 with a wrong one, 403 for everyone while
/// <c>Admin__ApiKey</c> is unset. The comparison is constant-time over SHA-256 digests, so neither the key's content
/// nor its length leaks through timing.
/// </summary>
internal sealed class ApiKeyFilter(IOptionsMonitor<AdminOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(expected))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Admin endpoints disabled", "Set Admin__ApiKey to enable the admin endpoints.");
        }

        var given = context.HttpContext.Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(given))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{HeaderName}\"";
            return Problems.Of(StatusCodes.Status401Unauthorized, "API key required", $"Send the admin API key in the {HeaderName} header.");
        }

        if (!CryptographicOperations.FixedTimeEquals(Digest(given), Digest(expected)))
        {
            return Problems.Of(StatusCodes.Status403Forbidden, "Wrong API key", $"The {HeaderName} header does not hold the admin API key.");
        }

        return await next(context);
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
