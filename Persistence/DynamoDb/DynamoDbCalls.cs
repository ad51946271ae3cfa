using System.Net;
using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Runs one DynamoDB call and turns "the store cannot be reached" into <see cref="StoreUnavailableException"/>
/// (the API's 503, readiness' Unhealthy, the endpoint's retry). Everything else passes through unchanged:
/// <see cref="ConditionalCheckFailedException"/> is the caller's business (optimistic locking), and a validation
/// error is a bug, not an outage.
/// </summary>
internal static class DynamoDbCalls
{
    public static async Task<T> Run<T>(string table, string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Describe(ex, table) is { } reason)
        {
            throw new StoreUnavailableException($"DynamoDB {operation} on table '{table}' failed: {reason}", ex);
        }
    }

    /// <summary>Why this exception means the store is unavailable, or null when it does not.</summary>
    internal static string? Describe(Exception ex, string table) => ex switch
    {
        ConditionalCheckFailedException or TransactionCanceledException => null,
        ResourceNotFoundException => $"the table does not exist (create it with Persistence:DynamoDb:EnsureTables=true or the CloudFormation stack).",
        ProvisionedThroughputExceededException or RequestLimitExceededException or ThrottlingException =>
            "throttled by DynamoDB after the SDK's retries.",
        InternalServerErrorException => "DynamoDB reported an internal error.",
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } service => $"HTTP {(int)service.StatusCode}: {service.Message}",
        AmazonServiceException service when FindTransportFailure(service) is { } transport => transport,
        AmazonServiceException => null,
        _ when FindTransportFailure(ex) is { } transport => transport,
        AmazonClientException client => client.Message,
        _ => null,
    };

    private static string? FindTransportFailure(Exception ex)
    {
        for (Exception? current = ex; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case SocketException socket:
                    return $"cannot connect ({socket.SocketErrorCode}).";
                case HttpRequestException http:
                    return $"cannot connect: {http.Message}";
                case TimeoutException:
                case OperationCanceledException:
                    return "the request timed out.";
                case IOException io:
                    return $"connection failed: {io.Message}";
            }
        }

        return null;
    }
}
