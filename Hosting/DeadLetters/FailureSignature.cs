using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EventDriven.Hosting.DeadLetters;

/// <summary>
/// What a dead letter failed of, coarse enough that one outage is one group: the message type, the exception type and
/// the upstream's status class (see <see cref="FailureClasses"/>), read from the fault MassTransit recorded.
/// </summary>
public sealed partial record FailureSignature(string MessageType, string ExceptionType, string StatusClass)
{
    /// <summary>A short, stable id for URLs and the CLI (<c>--group 3f2a9c1e</c>): the first 8 hex digits of the signature's SHA-256.</summary>
    public string Id => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{MessageType}\n{ExceptionType}\n{StatusClass}")))[..8];

    public override string ToString() => $"{MessageType} / {ExceptionType} / {StatusClass}";

    public static FailureSignature Of(DeadLetterEntry entry) => new(
        entry.MessageType ?? "(no message type)",
        ShortName(entry.FaultExceptionType) ?? "(no exception)",
        FailureClasses.Of(entry.MessageType, entry.FaultExceptionType, entry.FaultReason));

    /// <summary><c>EventDriven.Workers.Upstreams.UpstreamException</c> → <c>UpstreamException</c>.</summary>
    internal static string? ShortName(string? exceptionType) =>
        exceptionType is null ? null : exceptionType[(exceptionType.LastIndexOf('.') + 1)..];
}

/// <summary>The upstream status classes failures are grouped by, from the most specific evidence to the least.</summary>
public static partial class FailureClasses
{
    public const string TooManyRequests = "429";
    public const string ServerError = "5xx";
    public const string ClientError = "4xx";
    public const string Timeout = "timeout";
    public const string ConnectionRefused = "connection refused";
    public const string ConnectionFailed = "connection failed";
    public const string TooManyCrimes = "more than 10,000 crimes";
    public const string UnreadableBody = "unreadable body";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All =
        [TooManyRequests, ServerError, ClientError, Timeout, ConnectionRefused, ConnectionFailed, TooManyCrimes, UnreadableBody, Other];

    public static string Of(string? messageType, string? exceptionType, string? reason)
    {
        var type = exceptionType ?? string.Empty;
        var text = reason ?? string.Empty;
        // Unreadable bodies: a message MassTransit could not read at all, or an upstream answer that was not its JSON.
        if (messageType is null || messageType.StartsWith('(') || type.Contains("Serialization", StringComparison.Ordinal) ||
            type.EndsWith("JsonException", StringComparison.Ordinal) || text.Contains("not its JSON shape", StringComparison.Ordinal))
        {
            return UnreadableBody;
        }

        if (text.Contains("10,000 crimes", StringComparison.Ordinal) || text.Contains("more than 10000", StringComparison.Ordinal))
        {
            return TooManyCrimes;
        }

        if (Status429().IsMatch(text) || text.Contains("Too Many Requests", StringComparison.OrdinalIgnoreCase) || type.EndsWith("RateLimiterRejectedException", StringComparison.Ordinal))
        {
            return TooManyRequests;
        }

        if (type.EndsWith("TimeoutRejectedException", StringComparison.Ordinal) || type.EndsWith("TimeoutException", StringComparison.Ordinal) ||
            type.EndsWith("TaskCanceledException", StringComparison.Ordinal) || type.EndsWith("OperationCanceledException", StringComparison.Ordinal))
        {
            return Timeout;
        }

        if (text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase) || text.Contains("actively refused", StringComparison.OrdinalIgnoreCase))
        {
            return ConnectionRefused;
        }

        if (ServerStatus().IsMatch(text))
        {
            return ServerError;
        }

        if (ClientStatus().IsMatch(text))
        {
            return ClientError;
        }

        if (TimeoutWords().IsMatch(text))
        {
            return Timeout;
        }

        // An open circuit's reason carries the cause that opened it ("circuit open after: ..."), so it lands in the same class.
        if (type.EndsWith("HttpRequestException", StringComparison.Ordinal) || type.EndsWith("SocketException", StringComparison.Ordinal) ||
            type.EndsWith("IOException", StringComparison.Ordinal) || ConnectionWords().IsMatch(text))
        {
            return ConnectionFailed;
        }

        return Other;
    }

    [GeneratedRegex(@"\b429\b")]
    private static partial Regex Status429();

    [GeneratedRegex(@"(answered|HTTP|status( code)?:?)\s*5\d\d\b|Service Unavailable|Internal Server Error|Bad Gateway|Gateway Timeout", RegexOptions.IgnoreCase)]
    private static partial Regex ServerStatus();

    [GeneratedRegex(@"(answered|HTTP|status( code)?:?)\s*4\d\d\b", RegexOptions.IgnoreCase)]
    private static partial Regex ClientStatus();

    [GeneratedRegex(@"Name or service not known|cannot connect|error occurred while sending the request|response ended prematurely|Connection reset|forcibly closed", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionWords();

    /// <summary>Also a socket's "Operation canceled": the attempt timeout cancelling a connect or a read (SocketException, ECANCELED).</summary>
    [GeneratedRegex(@"timed out|timeout|no answer within|didn't complete within|operation (was )?cancell?ed", RegexOptions.IgnoreCase)]
    private static partial Regex TimeoutWords();
}
