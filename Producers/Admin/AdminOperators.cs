using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using EventDriven.Persistence.Operations;

namespace EventDriven.Producers.Admin;

/// <summary>
/// Who is calling an admin endpoint. Authentication puts the operator on the request as an authenticated
/// <see cref="ClaimsPrincipal"/> named after the key (<c>Admin__Keys__alice</c> → <c>alice</c>, the single
/// <c>Admin__ApiKey</c> → <see cref="OperatorNames.UnnamedKey"/>); the audit trail and the history read the name from
/// <see cref="HttpContext.User"/>, whatever did the authenticating.
/// </summary>
public static class AdminOperators
{
    public const string AuthenticationType = "AdminApiKey";

    /// <summary>
    /// The operator whose key this is, or null. Every configured key is compared, in constant time over SHA-256 digests,
    /// whichever matches: neither a key's content, its length nor which one matched leaks through timing.
    /// </summary>
    public static string? Find(AdminOptions options, string given)
    {
        var digest = Digest(given);
        string? found = null;
        if (!string.IsNullOrEmpty(options.ApiKey) && CryptographicOperations.FixedTimeEquals(digest, Digest(options.ApiKey)))
        {
            found = OperatorNames.UnnamedKey;
        }

        foreach (var (name, key) in options.Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, Digest(key)))
            {
                found = name;
            }
        }

        return found;
    }

    public static ClaimsPrincipal Principal(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The authenticated operator's name: what the audit trail records as "who".</summary>
    public static string NameOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : "(unauthenticated)";

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
