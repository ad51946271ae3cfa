using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>Builds the DynamoDB client from <see cref="DynamoDbOptions"/> (docs/architecture.md, "Configuration").</summary>
public static class DynamoDbClientFactory
{
    public const string DefaultRegion = "eu-west-2";

    /// <summary>
    /// Per-request timeout. Short enough that an unreachable store becomes a 503 within seconds rather than a hung request;
    /// long enough for a DynamoDB call, which takes milliseconds.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    /// <param name="options">Validated options (<see cref="PersistenceOptionsValidator"/>): a bad URL or region never gets here.</param>
    public static IAmazonDynamoDB Create(DynamoDbOptions options)
    {
        var region = string.IsNullOrWhiteSpace(options.Region) ? DefaultRegion : options.Region.Trim();
        var config = new AmazonDynamoDBConfig
        {
            Timeout = RequestTimeout,
            // The SDK retries throttling and transient errors itself; two retries keep an outage's answer fast.
            MaxErrorRetry = 2,
        };

        if (options.ServiceUri is not { } url)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            // AWS: the SDK's default chain (environment, profile, instance role).
            return new AmazonDynamoDBClient(config);
        }

        config.ServiceURL = url.ToString();
        config.AuthenticationRegion = region;
        return new AmazonDynamoDBClient(LocalCredentials(), config);
    }

    /// <summary>
    /// For an endpoint override (DynamoDB Local accepts any credentials): explicit keys from the environment or a
    /// profile when there are some, otherwise fixed dummy ones. Never the instance-metadata lookup, which would hang off AWS.
    /// </summary>
    private static AWSCredentials LocalCredentials()
    {
        var accessKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var secretKey = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(accessKey) && !string.IsNullOrEmpty(secretKey))
        {
            var sessionToken = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            return string.IsNullOrEmpty(sessionToken)
                ? new BasicAWSCredentials(accessKey, secretKey)
                : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
        }

        var profile = Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        return new CredentialProfileStoreChain().TryGetAWSCredentials(profile, out var fromProfile)
            ? fromProfile
            : new BasicAWSCredentials("local", "local");
    }
}
