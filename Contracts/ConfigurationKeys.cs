namespace EventDriven.Contracts;

/// <summary>
/// The configuration contract (docs/architecture.md, "Configuration") in environment-variable form. The options classes bind these keys
/// (a test checks every key binds to an options property), and a test checks that every <c>Xxx__Yyy</c> variable in
/// the CloudFormation templates is one of them.
/// </summary>
public static class ConfigurationKeys
{
    public const string BusTransport = "Bus__Transport";
    public const string BusRabbitMqHost = "Bus__RabbitMq__Host";
    public const string BusRabbitMqPort = "Bus__RabbitMq__Port";
    public const string BusRabbitMqVirtualHost = "Bus__RabbitMq__VirtualHost";
    public const string BusRabbitMqUsername = "Bus__RabbitMq__Username";
    public const string BusRabbitMqPassword = "Bus__RabbitMq__Password";
    public const string BusRabbitMqUseSsl = "Bus__RabbitMq__UseSsl";

    public const string PersistenceProvider = "Persistence__Provider";
    public const string PersistenceDynamoDbServiceUrl = "Persistence__DynamoDb__ServiceUrl";
    public const string PersistenceDynamoDbTablePrefix = "Persistence__DynamoDb__TablePrefix";
    public const string PersistenceDynamoDbEnsureTables = "Persistence__DynamoDb__EnsureTables";
    public const string PersistenceDynamoDbRegion = "Persistence__DynamoDb__Region";

    public const string UpstreamsPostcodesIoBaseUrl = "Upstreams__PostcodesIo__BaseUrl";
    public const string UpstreamsPoliceApiBaseUrl = "Upstreams__PoliceApi__BaseUrl";
    public const string UpstreamsPoliceApiRequestsPerSecond = "Upstreams__PoliceApi__RequestsPerSecond";
    public const string UpstreamsPoliceApiBurst = "Upstreams__PoliceApi__Burst";
    public const string UpstreamsSimulate = "Upstreams__Simulate";

    public const string AdminApiKey = "Admin__ApiKey";

    public const string ForwardedHeadersKnownNetworks = "ForwardedHeaders__KnownNetworks";

    /// <summary>Named admin keys, one per operator: <c>Admin__Keys__alice</c> (a family of keys, so not in <see cref="All"/>).</summary>
    public const string AdminKeysPrefix = "Admin__Keys__";

    public static readonly IReadOnlyList<string> All =
    [
        BusTransport, BusRabbitMqHost, BusRabbitMqPort, BusRabbitMqVirtualHost, BusRabbitMqUsername, BusRabbitMqPassword, BusRabbitMqUseSsl,
        PersistenceProvider, PersistenceDynamoDbServiceUrl, PersistenceDynamoDbTablePrefix, PersistenceDynamoDbEnsureTables, PersistenceDynamoDbRegion,
        UpstreamsPostcodesIoBaseUrl, UpstreamsPoliceApiBaseUrl, UpstreamsPoliceApiRequestsPerSecond, UpstreamsPoliceApiBurst, UpstreamsSimulate,
        AdminApiKey,
        ForwardedHeadersKnownNetworks,
    ];

    /// <summary>The same key in <c>IConfiguration</c> form (<c>Bus:Transport</c>).</summary>
    public static string ToConfigurationPath(string environmentKey) => environmentKey.Replace("__", ":", StringComparison.Ordinal);
}
