using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// Readiness: every table answers DescribeTable and is ACTIVE, within <see cref="Timeout"/> (a health probe must not hang).
/// </summary>
public sealed class DynamoDbHealthCheck(IAmazonDynamoDB dynamo, DynamoTableNames tables) : IHealthCheck
{
    public const string Name = "dynamodb";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var data = new Dictionary<string, object>();
        try
        {
            var problems = new List<string>();
            foreach (var (_, name) in tables.All())
            {
                try
                {
                    var table = (await dynamo.DescribeTableAsync(new DescribeTableRequest { TableName = name }, timeout.Token).ConfigureAwait(false)).Table;
                    data[name] = table.TableStatus?.Value ?? "unknown";
                    if (table.TableStatus != TableStatus.ACTIVE)
                    {
                        problems.Add($"table '{name}' is {table.TableStatus?.Value ?? "in an unknown state"}");
                    }
                }
                catch (ResourceNotFoundException)
                {
                    data[name] = "missing";
                    problems.Add($"table '{name}' does not exist");
                }
            }

            return problems.Count == 0
                ? HealthCheckResult.Healthy("All DynamoDB tables are active.", data)
                : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"DynamoDB did not answer within {Timeout.TotalSeconds:0} s.", ex, data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && DynamoDbCalls.Describe(ex, "*") is { } reason)
        {
            return HealthCheckResult.Unhealthy($"DynamoDB is unreachable: {reason}", ex, data);
        }
    }
}
