using System.Globalization;
using System.Text.Encodings.Web;
using EventDriven.Contracts.Configuration;
using EventDriven.Producers.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace EventDriven.Producers.Admin;

/// <summary>
/// <c>/admin/*</c> is authorised by ASP.NET Core's authorisation middleware with this scheme, so the key is checked
/// before anything else of the request is read: a malformed query from someone without the key is a 401, never a
/// binding error. 401 without <c>X-Api-Key</c>, 403 with a wrong one, 403 for everyone while no key (<c>Admin__ApiKey</c>,
/// <c>Admin__Keys__NAME</c>) is set, 429 (with <c>Retry-After</c>) for a client past its wrong keys (<see cref="FailedKeyAttempts"/>). Every wrong key
/// is logged with the client's address until the lock-out, which is logged once.
/// </summary>
public static class AdminKeyAuthentication
{
    public const string SchemeName = "AdminApiKey";
    public const string PolicyName = "Admin";
    public const string HeaderName = "X-Api-Key";

    public static IServiceCollection AddAdminKeyAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AdminOptions, AdminOptionsValidator>(configuration, AdminOptions.SectionName);
        services.AddSingleton<FailedKeyAttempts>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminKeyHandler>(SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
        return services;
    }
}

internal sealed partial class AdminKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AdminOptions> admin,
    FailedKeyAttempts attempts,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    private Refusal _refusal = Refusal.MissingKey;
    private TimeSpan _retryAfter;

    private enum Refusal
    {
        MissingKey,
        Disabled,
        WrongKey,
        LockedOut,
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var options = admin.CurrentValue;
        if (!options.AnyKey)
        {
            _refusal = Refusal.Disabled;
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var client = ClientPartition.Of(Context);
        if (attempts.IsLockedOut(client, out _retryAfter))
        {
            _refusal = Refusal.LockedOut;
            LogRefusedWhileLockedOut(Logger, client, Request.Path.ToUriComponent());
            return Task.FromResult(AuthenticateResult.Fail("too many wrong keys"));
        }

        var given = Request.Headers[AdminKeyAuthentication.HeaderName].ToString();
        if (string.IsNullOrEmpty(given))
        {
            _refusal = Refusal.MissingKey;
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Every configured key compared in constant time (AdminOperators.Find): nothing leaks through timing.
        if (AdminOperators.Find(options, given) is not { } name)
        {
            _refusal = Refusal.WrongKey;
            var left = attempts.RecordFailure(client);
            if (left > 0)
            {
                // The path as it came on the wire (escaped): a decoded one could forge log lines.
                LogWrongKey(Logger, client, Request.Method, Request.Path.ToUriComponent(), left);
            }
            else
            {
                LogLockedOut(Logger, client, options.FailedKeyAttemptsPerMinute);
            }

            return Task.FromResult(AuthenticateResult.Fail("wrong key"));
        }

        // The key's operator is the request's user: the audit trail and the history record that name.
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(AdminOperators.Principal(name), AdminKeyAuthentication.SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => _refusal switch
    {
        Refusal.Disabled => Write(StatusCodes.Status403Forbidden, "Admin endpoints disabled", "Set Admin__ApiKey (or named keys Admin__Keys__NAME) to enable the admin endpoints."),
        Refusal.WrongKey => Write(StatusCodes.Status403Forbidden, "Wrong API key", $"The {AdminKeyAuthentication.HeaderName} header does not hold an admin API key."),
        Refusal.LockedOut => WriteLockedOut(),
        _ => WriteMissingKey(),
    };

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(StatusCodes.Status403Forbidden, "Forbidden", "The admin API key does not allow this request.");

    private Task WriteMissingKey()
    {
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AdminKeyAuthentication.HeaderName}\"";
        return Write(StatusCodes.Status401Unauthorized, "API key required", $"Send the admin API key in the {AdminKeyAuthentication.HeaderName} header.");
    }

    private Task WriteLockedOut()
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(_retryAfter.TotalSeconds));
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Write(
            StatusCodes.Status429TooManyRequests,
            "Too many wrong API keys",
            $"This client sent more than {admin.CurrentValue.FailedKeyAttemptsPerMinute} wrong admin keys in a minute; try again after {seconds} s.");
    }

    private async Task Write(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = { Status = status, Title = title, Detail = detail } });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: wrong API key from {Client} for {Method} {Path}; {Left} more before the client is locked out")]
    private static partial void LogWrongKey(ILogger logger, string client, string method, string path, long left);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: {Client} is locked out after {Allowance} wrong API keys in a minute; its admin requests answer 429 until its allowance refills")]
    private static partial void LogLockedOut(ILogger logger, string client, int allowance);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Admin: refused {Client} for {Path} while it is locked out")]
    private static partial void LogRefusedWhileLockedOut(ILogger logger, string client, string path);
}
